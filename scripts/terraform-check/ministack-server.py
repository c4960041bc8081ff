"""ministack's server on 127.0.0.1, with the corrections below (each names the AWS behaviour it
follows).

Usage: python ministack-server.py PORT

Environment set here, whatever the caller has: BIND_HOST=127.0.0.1 (ministack binds 0.0.0.0 by
default), AUTH=true (its IAM policy evaluator: a request is allowed only when the caller's
policies allow it; the check's own fake key is the account's root), MINISTACK_ACCOUNT_ID
123456789012 (the account the stacks and moto use), no persistence, its S3 data and temporary
files under MINISTACK_DATA_DIR.

Corrections:
- Account-less ARNs. The provider runs with skip_requesting_account_id (no account lookup; with
  an account it would call S3 Control at ACCOUNT.HOST, a name that only resolves on AWS), so the
  ARNs it builds to read tags (Athena workgroups, Glue databases, SESv2 configuration sets) have
  no account: arn:aws:athena:us-east-1::workgroup/NAME. AWS never sees such an ARN (the provider
  knows the account there). The middleware writes the account into a Regional ARN whose account
  is empty, in the query string and the body of each request, before ministack reads it: the
  caller's, which ministack takes from a 12-digit access key ID (the organization profile applies
  each stack as its own account), else 123456789012.
- Firehose DescribeDeliveryStream leaves out an S3 destination's CustomTimeZone. AWS returns it
  ("UTC" unless set; API Reference, ExtendedS3DestinationDescription), and so does this
  launcher: without it the provider reads "" where the stack has "UTC", a perpetual diff.
- Firehose delivery to S3. ministack writes each record as its own uncompressed object. Firehose
  "concatenates multiple incoming records based on the buffering configuration" and delivers
  them as one object (Developer Guide, "Understand data delivery in Amazon Data Firehose"), with
  CompressionFormat GZIP compressed and named <evaluated prefix><stream>-<version>-<time>-<uuid>
  .gz ("Configure Amazon S3 object name format"). Here the records of one PutRecordBatch call
  are one buffer: one GZIP object per evaluated prefix. What fails partitioning still goes to
  ministack's own error output (ErrorOutputPrefix), record by record. ministack writes the object
  in the stream's account and Region, where a bucket of another account (a lake's) is not found;
  Firehose writes to the bucket where it is ("Cross-account delivery to an Amazon S3
  destination"), so the launcher writes in the bucket owner's account and the bucket's Region.
- IAM: the resource of Athena GetNamedQuery. ministack authorizes it against "*" (it finds no
  WorkGroup in the request), so a policy that grants it on the workgroup denies it. Its
  resource is the named query's workgroup (Service Authorization Reference, "Actions, resources,
  and condition keys for Amazon Athena": GetNamedQuery, resource type workgroup).
- CloudWatch Logs AssociateKmsKey and DisassociateKmsKey: ministack answers "Unknown action";
  AWS associates (or removes) the key of a log group, which DescribeLogGroups then returns as
  kmsKeyId (CloudWatch Logs API Reference, AssociateKmsKey, DisassociateKmsKey). The launcher
  does the same on ministack's own log groups (an imported log group gets its key this way).
- CloudWatch DescribeAlarms of a metric math alarm (PutMetricAlarm with Metrics): ministack
  answers Period 60 and Statistic "Average", which the request never set; AWS returns neither
  for such an alarm (they belong to a single-metric alarm; CloudWatch API Reference,
  PutMetricAlarm: "If you specify Metrics, you cannot specify ... Period, Statistic"), and the
  provider reads them as a perpetual diff. The launcher leaves them out for such an alarm.

- IAM: s3:ResourceAccount (and aws:ResourceAccount) of an S3 bucket or object. ministack takes
  the caller's account, since an S3 ARN names none; AWS gives the account that owns the bucket
  (Service Authorization Reference, Amazon S3 condition keys: "the resource owner's AWS account
  ID"), which differs for a write into another account's bucket (the organization profile's lake).

And one stand-in for a service principal: when SES assumes a role it sets the global condition
keys aws:SourceArn (the configuration set) and aws:SourceAccount (IAM User Guide, "AWS global
condition context keys"; SES Developer Guide, "Giving Amazon SES permission to publish to
Firehose"), which no client can set. An AssumeRole request with the header
x-terraform-check-source-arn: ARN is evaluated against the trust policy with those two keys
(the account taken from the ARN), as the request SES makes would be. Without the header, the trust
policy is evaluated as ministack does.
"""

import contextvars
import dataclasses
import gzip
import json
import os
import re
import sys
import threading

ACCOUNT = "123456789012"


def configure_environment(data_dir):
    os.environ["BIND_HOST"] = "127.0.0.1"
    os.environ["AUTH"] = "true"
    os.environ["MINISTACK_ACCOUNT_ID"] = ACCOUNT
    os.environ["MINISTACK_REGION"] = "us-east-1"
    os.environ["S3_PERSIST"] = "0"
    os.environ["PERSIST_STATE"] = "0"
    os.environ["LOCALSTACK_PERSISTENCE"] = "0"
    os.environ["S3_DATA_DIR"] = os.path.join(data_dir, "s3")
    os.environ["TMPDIR"] = os.path.join(data_dir, "tmp")
    os.environ["IOT_MTLS_ENABLED"] = "0"
    os.environ["SFTP_ENABLED"] = "0"
    os.environ["USE_SSL"] = "0"
    os.makedirs(os.environ["TMPDIR"], exist_ok=True)


# arn:PARTITION:SERVICE:REGION::  (plain or URL-encoded colons); a Region is never empty here,
# so global ARNs such as arn:aws:s3:::bucket or arn:aws:iam::123456789012:role/x do not match.
_ACCOUNTLESS_ARN = re.compile(rb"(arn(:|%3A)aws[a-z-]*\2[a-z0-9-]+\2[a-z]{2}(?:-[a-z]+)+-\d+)\2\2", re.IGNORECASE)


def with_account(data: bytes, account: str = ACCOUNT) -> bytes:
    return _ACCOUNTLESS_ARN.sub(lambda m: m.group(1) + m.group(2) + account.encode() + m.group(2), data)


# The access key ID of a SigV4 Authorization header; ministack takes a 12-digit one as the account.
_ACCESS_KEY_ACCOUNT = re.compile(rb"Credential=(\d{12})/")


def request_account(headers) -> str:
    """The account of the request: its 12-digit access key ID, else the stacks' account."""
    for name, value in headers:
        if name.lower() == b"authorization":
            match = _ACCESS_KEY_ACCOUNT.search(value)
            if match:
                return match.group(1).decode()
    return ACCOUNT


def account_in_arns(app):
    """ASGI middleware: the account into account-less Regional ARNs of the query and the body."""

    async def middleware(scope, receive, send):
        if scope.get("type") != "http":
            return await app(scope, receive, send)
        scope = dict(scope)
        # The provider would write its own account (the caller's) into the ARN.
        account = request_account(scope.get("headers", []))
        scope["query_string"] = with_account(scope.get("query_string", b""), account)
        raw = scope.get("raw_path")
        if raw:
            scope["raw_path"] = raw
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = with_account(b"".join(chunks), account)
        headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"content-length"]
        if body or any(k.lower() == b"content-length" for k, _ in scope.get("headers", [])):
            headers.append((b"content-length", str(len(body)).encode()))
        scope["headers"] = headers
        sent = False

        async def replay():
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        return await app(scope, replay, send)

    return middleware


def patch_firehose():
    from ministack.services import firehose

    describe = firehose._dest_description

    def dest_description(dest):
        out = describe(dest)
        description = out.get("ExtendedS3DestinationDescription")
        if description is not None:
            description["CustomTimeZone"] = dest["config"].get("CustomTimeZone") or "UTC"
            if dest["config"].get("FileExtension"):
                description["FileExtension"] = dest["config"]["FileExtension"]
        return out

    firehose._dest_description = dest_description

    batch = threading.local()
    deliver_one = firehose._deliver_to_s3

    def deliver_records_to_s3(stream, dest, records):
        lambda_keys = {}
        processed = firehose._apply_lambda_processors(stream, dest, records, partition_sink=lambda_keys)
        pending = getattr(batch, "pending", None)
        if pending is None:
            deliver_buffer(stream, dest, processed, lambda_keys)
        else:
            pending.append((stream, dest, processed, lambda_keys))

    def deliver_buffer(stream, dest, records, lambda_keys):
        cfg = dest["config"]
        conversion = cfg.get("DataFormatConversionConfiguration") or {}
        if cfg.get("CompressionFormat") != "GZIP" or conversion.get("Enabled", bool(conversion)):
            for record_id, payload in records:
                deliver_one(stream, dest, payload, lambda_keys.get(record_id))
            return
        arrival = firehose._arrival_time(cfg)
        objects = {}
        for record_id, payload in records:
            try:
                query_keys = None
                if (cfg.get("DynamicPartitioningConfiguration") or {}).get("Enabled"):
                    query_keys = firehose._metadata_extraction_keys(cfg, payload)
                prefix = firehose._evaluate_prefix(cfg.get("Prefix", ""), arrival, query_keys, lambda_keys.get(record_id))
            except firehose._DeliveryError:
                deliver_one(stream, dest, payload, lambda_keys.get(record_id))
                continue
            objects.setdefault(prefix, []).append(payload)
        bucket = firehose._s3_bucket_from_arn(cfg.get("BucketARN", ""))
        for prefix, payloads in objects.items():
            suffix = f"{stream['name']}-{stream.get('version', 1)}-{firehose._java_time('yyyy-MM-dd-HH-mm-ss', arrival)}-{firehose.new_uuid()}"
            firehose._put_s3_object(bucket, f"{prefix}{suffix}{cfg.get('FileExtension') or '.gz'}", gzip.compress(b"".join(payloads)))

    put_record_batch = firehose._put_record_batch

    def buffered_put_record_batch(data):
        batch.pending = []
        try:
            answer = put_record_batch(data)
        finally:
            pending, batch.pending = batch.pending, None
        groups = {}
        for stream, dest, records, lambda_keys in pending:
            group = groups.setdefault(id(dest), (stream, dest, [], {}))
            group[2].extend(records)
            group[3].update(lambda_keys)
        for stream, dest, records, lambda_keys in groups.values():
            deliver_buffer(stream, dest, records, lambda_keys)
        return answer

    put_object = firehose._put_s3_object

    def put_where_the_bucket_is(bucket, key, body):
        # The bucket's owner and Region, not the stream's: a lake in another account and Region.
        from ministack.core.responses import get_account_id, get_region, request_scope
        from ministack.services import s3

        owner = s3._bucket_owner_account(bucket) or get_account_id()
        with request_scope(owner, s3.bucket_region(bucket) or get_region()):
            put_object(bucket, key, body)

    firehose._put_s3_object = put_where_the_bucket_is
    firehose._deliver_records_to_s3 = deliver_records_to_s3
    firehose._put_record_batch = buffered_put_record_batch
    firehose._HANDLERS["PutRecordBatch"] = buffered_put_record_batch


_source_arn = contextvars.ContextVar("source_arn", default=None)


def patch_service_principal():
    from ministack.core import iam_evaluator
    from ministack.services import sts

    evaluate = iam_evaluator.evaluate_trust_policy

    def evaluate_trust_policy(trust_doc, caller_arn, ctx=None):
        source_arn = _source_arn.get()
        if source_arn and ctx is not None and ctx.action == "sts:AssumeRole":
            keys = {"aws:sourcearn": source_arn, "aws:sourceaccount": source_arn.split(":")[4]}
            ctx = dataclasses.replace(ctx, service_context={**ctx.service_context, **keys})
        return evaluate(trust_doc, caller_arn, ctx)

    iam_evaluator.evaluate_trust_policy = evaluate_trust_policy
    handle = sts.handle_request

    async def handle_request(method, path, headers, body, query_params):
        token = _source_arn.set(headers.get("x-terraform-check-source-arn"))
        try:
            return await handle(method, path, headers, body, query_params)
        finally:
            _source_arn.reset(token)

    sts.handle_request = handle_request


def patch_s3_resource_account():
    """s3:ResourceAccount of a bucket or object: the account that owns the bucket, as AWS has it."""
    from ministack.core import iam_evaluator
    from ministack.services import s3

    resolve = iam_evaluator._resolve_condition_key

    def resolve_condition_key(key, ctx):
        arn = ctx.resource_arn or ""
        if key.lower() in ("s3:resourceaccount", "aws:resourceaccount") and arn.startswith("arn:aws:s3:::"):
            owner = s3._bucket_owner_account(arn[len("arn:aws:s3:::"):].split("/", 1)[0])
            if owner:
                return owner
        return resolve(key, ctx)

    iam_evaluator._resolve_condition_key = resolve_condition_key


def patch_named_query_resource():
    from ministack.core import iam_actions
    from ministack.services import athena

    extract = iam_actions.extract_resource_arn

    def extract_resource_arn(service, method, path, headers, body, query_params, region, account_id):
        arn = extract(service, method, path, headers, body, query_params, region, account_id)
        if service != "athena" or arn != "*":
            return arn
        try:
            query_id = json.loads(body or b"{}").get("NamedQueryId")
        except (ValueError, AttributeError):
            return arn
        named = athena._named_queries.get(query_id) if query_id else None
        if not named:
            return arn
        return f"arn:aws:athena:{region or os.environ['MINISTACK_REGION']}:{account_id or ACCOUNT}:workgroup/{named.get('WorkGroup') or 'primary'}"

    iam_actions.extract_resource_arn = extract_resource_arn


def patch_logs_kms():
    from ministack.core.responses import error_response_json, json_response
    from ministack.services import cloudwatch_logs as logs

    handle = logs.handle_request

    async def handle_request(method, path, headers, body, query_params):
        action = headers.get("x-amz-target", "").split(".")[-1]
        if action not in ("AssociateKmsKey", "DisassociateKmsKey"):
            return await handle(method, path, headers, body, query_params)
        data = json.loads(body or b"{}")
        group = logs._log_groups.get(data.get("logGroupName"))
        if group is None:
            return error_response_json("ResourceNotFoundException", "The specified log group does not exist.", 400)
        group["kmsKeyId"] = data.get("kmsKeyId") if action == "AssociateKmsKey" else None
        return json_response({})

    logs.handle_request = handle_request


def patch_metric_math_alarms():
    from ministack.services import cloudwatch

    put = cloudwatch._put_metric_alarm
    cbor_alarm = cloudwatch._cbor_alarm
    metric_math = set()

    def put_metric_alarm(params, cbor_data, is_cbor, is_json=False):
        answer = put(params, cbor_data, is_cbor, is_json)
        if (is_cbor or is_json) and cbor_data.get("AlarmName"):
            name = cbor_data["AlarmName"]
            if cbor_data.get("Metrics") and "Period" not in cbor_data and "Statistic" not in cbor_data:
                metric_math.add(name)
            else:
                metric_math.discard(name)
        return answer

    def describe_alarm(alarm):
        out = cbor_alarm(alarm)
        if out.get("AlarmName") in metric_math:
            out.pop("Period", None)
            out.pop("Statistic", None)
        return out

    cloudwatch._put_metric_alarm = put_metric_alarm
    cloudwatch._cbor_alarm = describe_alarm


def main(port, data_dir):
    configure_environment(data_dir)
    import asyncio

    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    from ministack import app as ministack

    patch_firehose()
    patch_service_principal()
    patch_s3_resource_account()
    patch_named_query_resource()
    patch_logs_kms()
    patch_metric_math_alarms()

    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.keep_alive_timeout = 75
    config.loglevel = "WARNING"
    config.accesslog = "-"  # one line per request in the check's ministack.log
    asyncio.run(serve(account_in_arns(ministack.app), config))


if __name__ == "__main__":
    if len(sys.argv) != 3 or not sys.argv[1].isdigit():
        sys.exit("usage: ministack-server.py PORT DATA_DIR")
    main(sys.argv[1], sys.argv[2])
