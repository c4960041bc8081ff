"""ministack's server on 127.0.0.1, with the corrections below (each names the AWS behaviour it
follows). Tested in packages/terraform-check/tests/test_ministack_server.py.

Usage: python ministack-server.py PORT DATA_DIR

Environment set here, whatever the caller has: BIND_HOST=127.0.0.1 (ministack binds 0.0.0.0 by
default), AUTH=true (its IAM policy evaluator: a request is allowed only when the caller's
policies allow it; the check's own fake key is the account's root), MINISTACK_ACCOUNT_ID
123456789012 (the account the stacks use), no persistence, its S3 data and temporary files under
DATA_DIR.

Corrections of ministack's answers:
1. Account-less ARNs. The provider runs with skip_requesting_account_id (no account lookup; with
   an account it would call S3 Control at ACCOUNT.HOST, a name that only resolves on AWS), so the
   ARNs it builds to read and write tags of Athena workgroups, Glue databases and SESv2
   configuration sets have no account: arn:aws:athena:us-east-1::workgroup/NAME. Those tagging
   calls act only on the caller account's own resources, so the middleware writes the caller's
   account (ministack takes it from a 12-digit access key ID, as each stack of the organization
   profile is applied; else 123456789012) into that one ARN field of those calls
   (ACCOUNT_FILLED_TARGETS, SESV2_TAGS_PATH), and nowhere else: never into a policy document.
2. Firehose DescribeDeliveryStream leaves out an S3 destination's CustomTimeZone. AWS returns it
   ("UTC" unless set; API Reference, ExtendedS3DestinationDescription), and so does this
   launcher: without it the provider reads "" where the stack has "UTC", a perpetual diff.
3. Firehose delivery to S3. ministack writes each record as its own uncompressed object. Firehose
   "concatenates multiple incoming records based on the buffering configuration" and delivers
   them as one object (Developer Guide, "Understand data delivery in Amazon Data Firehose"), with
   CompressionFormat GZIP compressed and named <evaluated prefix><stream>-<version>-<time>-<uuid>
   .gz ("Configure Amazon S3 object name format"). Here the records of one PutRecordBatch call
   are one buffer: one GZIP object per evaluated prefix. What fails partitioning still goes to
   ministack's own error output (ErrorOutputPrefix), record by record. ministack writes each
   object in the stream's account and Region, where a bucket of another account (a lake's) is not
   found; Firehose writes to the bucket where it is ("Cross-account delivery to an Amazon S3
   destination"), so the launcher writes in the bucket owner's account and the bucket's Region.
4. IAM: the resource of Athena GetNamedQuery. ministack authorizes it against "*" (it finds no
   WorkGroup in the request), so a policy that grants it on the workgroup denies it. Its
   resource is the named query's workgroup (Service Authorization Reference, "Actions, resources,
   and condition keys for Amazon Athena": GetNamedQuery, resource type workgroup).
5. CloudWatch Logs AssociateKmsKey and DisassociateKmsKey: ministack answers "Unknown action";
   AWS associates (or removes) the key of a log group, which DescribeLogGroups then returns as
   kmsKeyId (CloudWatch Logs API Reference, AssociateKmsKey, DisassociateKmsKey), and only when
   the key exists and its key policy lets logs.REGION.amazonaws.com use it for that log group
   (User Guide, "Encrypt log data in CloudWatch Logs using AWS KMS"); CreateLogGroup with a
   kmsKeyId is checked the same way.
6. CloudWatch DescribeAlarms of a metric math alarm (PutMetricAlarm with Metrics): ministack
   answers Period 60 and Statistic "Average", which the request never set; AWS returns neither
   for such an alarm (they belong to a single-metric alarm; CloudWatch API Reference,
   PutMetricAlarm: "If you specify Metrics, you cannot specify ... Period, Statistic"), and the
   provider reads them as a perpetual diff. The launcher leaves them out for such an alarm.
7. IAM: s3:ResourceAccount (and aws:ResourceAccount) of an S3 bucket or object. ministack takes
   the caller's account, since an S3 ARN names none; AWS gives the account that owns the bucket
   (Service Authorization Reference, Amazon S3 condition keys: "the resource owner's AWS account
   ID"), which differs for a write into another account's bucket (the organization profile's lake).

10. Organizations: member accounts. ministack models none: each account that calls Organizations
   becomes the management account of an organization of its own, aws:PrincipalOrgID is that
   organization's ID or none, and InviteAccountToOrganization and AcceptHandshake are "not
   implemented". In AWS an account joins an organization by accepting the management account's
   invitation (Organizations API Reference, InviteAccountToOrganization, AcceptHandshake), and
   aws:PrincipalOrgID of its principals is then that organization's ID ("the identifier of the
   organization that the requesting principal belongs to"; IAM User Guide, AWS global condition
   context keys). The launcher adds the invitation of an account by ID (InviteAccountToOrganization,
   DescribeHandshake, AcceptHandshake as the invited account) and resolves aws:PrincipalOrgID from
   the organization whose accounts list the principal's account (patch_organization_members).

11. IAM policy variables in a statement's Resource (and NotResource). ministack matches
   arn:aws:s3:::lake/events/account_id=${aws:PrincipalAccount}/* literally, so such a statement
   allows nothing; AWS replaces each ${key} there with the request's value of that key before it
   matches the resource, and a variable whose key has no value in the request makes that resource
   match nothing unless it gives a default (${key, 'default'}); ${*}, ${?} and ${$} stand for those
   characters, and only a policy of Version 2012-10-17 has variables: in an older one, or one without
   a Version, ${...} is literal text (IAM User Guide, "IAM policy elements: Variables and tags"). A
   lake open to an organization grants each account its own folders so (patch_policy_variables).

Extensions, where ministack skips an authorization AWS makes:
8. Service principals (patch_service_principal): a trust policy's {"Service": ...} lets only that
   service through, with the condition keys it sets; ministack lets the account root through.
9. Firehose's delivery (DeliverySession): every object and delivery-error log event Firehose
   writes is authorized as the stream's delivery role, against its policies, the bucket policy
   (of the bucket's owner, another account's too) and a customer managed key's key policy; refusals are listed at
   GET /_terraform-check/delivery-errors (DELETE clears them).

Also corrected (update_destination_with_backup): Firehose UpdateDestination with an
ExtendedS3DestinationUpdate holding S3BackupUpdate (the source record backup): ministack stores
the update under its own name, so DescribeDeliveryStream keeps the old backup (or none). AWS
applies it to the destination's backup, merged into the one it has ("Firehose merges the configuration parameters specified with the destination
configuration that already exists"; API Reference, UpdateDestination and
ExtendedS3DestinationUpdate: S3BackupUpdate), and returns it as S3BackupDescription.
"""

import contextvars
import dataclasses
import gzip
import json
import os
import re
import sys
import threading
import time

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


# arn:PARTITION:SERVICE:REGION::REST, a Regional ARN without an account.
_ACCOUNTLESS_ARN = re.compile(r"^(arn:aws[a-z-]*:[a-z0-9-]+:[a-z]{2}(?:-[a-z]+)+-\d+):(:.+)$")

# The calls whose resource ARN the provider builds without the account, and the field that holds
# it: the tagging calls of Athena (ResourceARN), Glue (ResourceArn) and SESv2 (ResourceArn, in the
# query string of GET and DELETE /v2/email/tags, in the body of POST). Each acts only on a
# resource of the caller's own account (Athena API Reference, TagResource, ListTagsForResource,
# UntagResource; AWS Glue API, GetTags, TagResource, UntagResource; SESv2 API Reference,
# ListTagsForResource, TagResource, UntagResource), so the account an ARN of them can hold is the
# caller's. Nothing else is rewritten: an account-less ARN in a policy document, or in any other
# call, reaches ministack as it was sent and is judged as AWS would judge it.
ACCOUNT_FILLED_TARGETS = {
    "AmazonAthena.ListTagsForResource": "ResourceARN",
    "AmazonAthena.TagResource": "ResourceARN",
    "AmazonAthena.UntagResource": "ResourceARN",
    "AWSGlue.GetTags": "ResourceArn",
    "AWSGlue.TagResource": "ResourceArn",
    "AWSGlue.UntagResource": "ResourceArn",
}
SESV2_TAGS_PATH = "/v2/email/tags"


def with_account(arn, account=ACCOUNT):
    """The ARN with the account written in when it is a Regional ARN without one, else as it was."""
    if not isinstance(arn, str):
        return arn
    return _ACCOUNTLESS_ARN.sub(lambda m: f"{m.group(1)}:{account}{m.group(2)}", arn)


# The access key ID of a SigV4 Authorization header; ministack takes a 12-digit one as the account.
_ACCESS_KEY_ACCOUNT = re.compile(rb"Credential=(\d{12})/")


def request_account(headers) -> str:
    """The account of a request, as ministack reads it: its 12-digit access key ID, else ACCOUNT."""
    for name, value in headers:
        if name.lower() == b"authorization":
            match = _ACCESS_KEY_ACCOUNT.search(value)
            if match:
                return match.group(1).decode()
    return ACCOUNT


def fill_account(method, path, target, query_string: bytes, body: bytes, account=ACCOUNT):
    """(query_string, body) with ACCOUNT (the caller's) written into the one ARN field of an ACCOUNT_FILLED call."""
    from urllib.parse import parse_qsl, urlencode

    field = ACCOUNT_FILLED_TARGETS.get(target)
    if path == SESV2_TAGS_PATH:
        if method in ("GET", "DELETE") and query_string:
            pairs = parse_qsl(query_string.decode(), keep_blank_values=True)
            fixed = [(k, with_account(v, account) if k == "ResourceArn" else v) for k, v in pairs]
            if fixed != pairs:
                query_string = urlencode(fixed).encode()
            return query_string, body
        field = "ResourceArn"
    if field is None or not body:
        return query_string, body
    try:
        data = json.loads(body)
    except ValueError:
        return query_string, body
    if isinstance(data, dict) and isinstance(data.get(field), str) and with_account(data[field], account) != data[field]:
        data[field] = with_account(data[field], account)
        body = json.dumps(data).encode()
    return query_string, body


def account_in_arns(app):
    """ASGI middleware: the account into the resource ARN of the calls ACCOUNT_FILLED names."""

    async def middleware(scope, receive, send):
        if scope.get("type") != "http":
            return await app(scope, receive, send)
        if scope.get("path", "").startswith(DELIVERY_ERRORS_PATH):
            return await delivery_errors_endpoint(scope, receive, send)
        if scope.get("path") == "/_ministack/reset":
            DELIVERIES.clear()
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        original = b"".join(chunks)
        headers = dict((k.lower(), v) for k, v in scope.get("headers", []))
        target = headers.get(b"x-amz-target", b"").decode()
        # The account the provider itself would write there: the caller's.
        account = request_account(scope.get("headers", []))
        query_string, body = fill_account(scope.get("method", ""), scope.get("path", ""), target, scope.get("query_string", b""), original, account)
        scope = dict(scope)
        scope["query_string"] = query_string
        if body is not original:
            scope["headers"] = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"content-length"]
            scope["headers"].append((b"content-length", str(len(body)).encode()))
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
            # DescribeDeliveryStream gives the source record backup back (S3BackupDescription), as AWS does.
            backup = dest["config"].get("S3BackupConfiguration")
            if backup:
                description["S3BackupDescription"] = {
                    "RoleARN": backup.get("RoleARN", ""),
                    "BucketARN": backup.get("BucketARN", ""),
                    "Prefix": backup.get("Prefix", ""),
                    "ErrorOutputPrefix": backup.get("ErrorOutputPrefix", ""),
                    "BufferingHints": backup.get("BufferingHints", {"SizeInMBs": 5, "IntervalInSeconds": 300}),
                    "CompressionFormat": backup.get("CompressionFormat", "UNCOMPRESSED"),
                    "EncryptionConfiguration": backup.get("EncryptionConfiguration", {"NoEncryptionConfig": "NoEncryption"}),
                    "CloudWatchLoggingOptions": backup.get("CloudWatchLoggingOptions", {"Enabled": False}),
                }
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

    def back_up_source_records(stream, cfg, records):
        """S3BackupMode Enabled: the records as received, in one object under the backup prefix, as AWS writes them."""
        backup = cfg.get("S3BackupConfiguration") or {}
        if cfg.get("S3BackupMode") != "Enabled" or not backup or not records:
            return
        arrival = firehose._arrival_time(cfg)
        prefix = firehose._evaluate_prefix(backup.get("Prefix", ""), arrival)
        body = b"".join(payload for _, payload in records)
        gzipped = backup.get("CompressionFormat") == "GZIP"
        suffix = f"{stream['name']}-{stream.get('version', 1)}-{firehose._java_time('yyyy-MM-dd-HH-mm-ss', arrival)}-{firehose.new_uuid()}"
        firehose._put_s3_object(firehose._s3_bucket_from_arn(backup.get("BucketARN", "")), f"{prefix}{suffix}{'.gz' if gzipped else ''}", gzip.compress(body) if gzipped else body)

    def deliver_buffer(stream, dest, records, lambda_keys):
        with delivering(stream, dest):
            write_buffer(stream, dest, records, lambda_keys)

    def write_buffer(stream, dest, records, lambda_keys):
        cfg = dest["config"]
        back_up_source_records(stream, cfg, records)
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

    update_destination = firehose._update_destination

    def update_destination_with_backup(data):
        """S3BackupUpdate merged into the destination's S3BackupConfiguration (see the module docstring)."""
        update = data.get("ExtendedS3DestinationUpdate")
        if isinstance(update, dict) and "S3BackupUpdate" in update:
            stream = firehose._streams.get(data.get("DeliveryStreamName", "")) or {}
            dest = next((d for d in stream.get("destinations", []) if d["id"] == data.get("DestinationId", "")), None)
            current = (dest or {}).get("config", {}).get("S3BackupConfiguration") or {}
            update = {key: value for key, value in update.items() if key != "S3BackupUpdate"}
            update["S3BackupConfiguration"] = {**current, **data["ExtendedS3DestinationUpdate"]["S3BackupUpdate"]}
            data = {**data, "ExtendedS3DestinationUpdate": update}
        return update_destination(data)

    firehose._update_destination = update_destination_with_backup
    firehose._HANDLERS["UpdateDestination"] = update_destination_with_backup

    internal_put = firehose._put_s3_object

    def put_where_the_bucket_is(bucket, key, body):
        # The bucket's owner and Region, not the stream's: a lake in another account and Region.
        with bucket_scope(bucket):
            internal_put(bucket, key, body)

    firehose._put_s3_object = lambda bucket, key, body: authorized_put(put_where_the_bucket_is, bucket, key, body)
    firehose._deliver_records_to_s3 = deliver_records_to_s3
    firehose._put_record_batch = buffered_put_record_batch
    firehose._HANDLERS["PutRecordBatch"] = buffered_put_record_batch


def bucket_home(bucket):
    """(account, Region) of a bucket: its owner's account and the Region it was created in, or the request's."""
    from ministack.core.responses import get_account_id, get_region, request_scope
    from ministack.services import s3

    owner = s3._bucket_owner_account(bucket) or get_account_id()
    with request_scope(owner, get_region()):
        return owner, s3.bucket_region(bucket) or get_region()


def bucket_scope(bucket):
    """The request scope of the bucket's owner and Region, where ministack's S3 store holds it."""
    from ministack.core.responses import request_scope

    return request_scope(*bucket_home(bucket))


def patch_s3_resource_account():
    """s3:ResourceAccount of a bucket or object: the account that owns the bucket, as AWS has it (correction 7)."""
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


POLICY_VARIABLE = re.compile(r"\$\{([^}]*)\}")
VARIABLE_WITH_DEFAULT = re.compile(r"^\s*([^,]+?)\s*(?:,\s*'([^']*)'\s*)?$")
_policy_version = contextvars.ContextVar("policy_version", default=None)


def resource_regex(resource, resolve, variables=True):
    """The regex a Resource entry matches: * any characters, ? one; with `variables` (a policy of
    Version 2012-10-17) each ${key} or ${key, 'default'} is the request's value of the key (else the
    default), and ${*}, ${?}, ${$} those characters themselves. None when a key has no single value
    and no default: the entry matches nothing."""
    def wildcards(text):
        return "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in text)

    if not variables:
        return re.compile(wildcards(resource), re.DOTALL)
    regex, last = "", 0
    for match in POLICY_VARIABLE.finditer(resource):
        regex += wildcards(resource[last:match.start()])
        last = match.end()
        body = match.group(1)
        if body in ("*", "?", "$"):
            regex += re.escape(body)
            continue
        parts = VARIABLE_WITH_DEFAULT.match(body)
        key, default = (parts.group(1), parts.group(2)) if parts else (body, None)
        found = resolve(key)
        if not isinstance(found, str) or found == "":
            found = default
        if found is None:
            return None
        regex += re.escape(found)
    regex += wildcards(resource[last:])
    return re.compile(regex, re.DOTALL)


def patch_policy_variables():
    """Policy variables in Resource and NotResource, replaced from the request in a policy of
    Version 2012-10-17 (correction 11)."""
    from ministack.core import iam_evaluator

    parse = iam_evaluator.parse_policy_document

    def document_version(doc):
        """The Version of a policy document (a JSON string or a dict), or None."""
        try:
            loaded = json.loads(doc) if isinstance(doc, str) else doc
        except (json.JSONDecodeError, TypeError):
            return None
        return loaded.get("Version") if isinstance(loaded, dict) else None

    def parse_policy_document(doc):
        version = document_version(doc)
        statements = parse(doc)
        for statement in statements:
            # A resource policy's applicable statements are parsed without their document's Version.
            statement.policy_version = version if version is not None else _policy_version.get()
        return statements

    evaluate_resource_policy = iam_evaluator.evaluate_resource_policy

    def evaluate_resource_policy_with_version(doc, ctx, *args, **kwargs):
        token = _policy_version.set(document_version(doc) or "")
        try:
            return evaluate_resource_policy(doc, ctx, *args, **kwargs)
        finally:
            _policy_version.reset(token)

    def first_match(ctx, stmts, effect):
        for stmt in stmts:
            if stmt.effect != effect or not iam_evaluator._action_matches(ctx.action, stmt.actions, stmt.not_actions):
                continue
            variables = getattr(stmt, "policy_version", None) == "2012-10-17"
            resolve = lambda key: iam_evaluator._resolve_condition_key(key, ctx)
            regexes = lambda entries: [r for r in (resource_regex(e, resolve, variables) for e in entries) if r is not None]
            arn = ctx.resource_arn or ""
            if stmt.resources:
                matched = any(r.fullmatch(arn) for r in regexes(stmt.resources))
            elif stmt.not_resources:
                matched = not any(r.fullmatch(arn) for r in regexes(stmt.not_resources))
            else:
                matched = True
            if matched and iam_evaluator._conditions_met(stmt.conditions, ctx):
                return stmt
        return None

    iam_evaluator.parse_policy_document = parse_policy_document
    iam_evaluator.evaluate_resource_policy = evaluate_resource_policy_with_version
    iam_evaluator._first_match = first_match


def organization_of(account):
    """(management account, organization) of the organization that lists `account` as active, or None."""
    from ministack.services import organizations as org

    for (management, member), record in list(org._accounts._data.items()):
        if member == account and isinstance(record, dict) and record.get("Status") == "ACTIVE":
            found = org._orgs.get_scoped(management, None, "self")
            if isinstance(found, dict):
                return management, found
    return None


def patch_organization_members():
    """Accounts invited into an organization, and their aws:PrincipalOrgID (correction 10)."""
    from ministack.core import iam_evaluator
    from ministack.core.responses import error_response_json, get_account_id, new_uuid
    from ministack.services import organizations as org

    handshakes = {}  # handshake ID -> the handshake, with its organization's management account and the invited account
    lock = threading.Lock()

    def public(handshake):
        return {k: v for k, v in handshake.items() if not k.startswith("_")}

    def invite(payload):
        target = payload.get("Target") or {}
        account = str(target.get("Id", ""))
        if target.get("Type") != "ACCOUNT" or not re.fullmatch(r"\d{12}", account):
            return error_response_json("InvalidInputException", "Target must be an account: {\"Type\": \"ACCOUNT\", \"Id\": <12-digit account ID>}", 400)
        management = get_account_id()
        joined = organization_of(management)
        if joined is not None and joined[0] != management:
            return error_response_json("AccessDeniedException", "only the organization's management account invites accounts; this account is a member", 400)
        org._ensure_org()
        if organization_of(account) is not None:
            return error_response_json("HandshakeConstraintViolationException", f"ALREADY_IN_AN_ORGANIZATION: account {account} is a member of an organization", 400)
        organization = org._orgs["self"]
        handshake_id = "h-" + new_uuid().replace("-", "")[:10]
        now = int(time.time())
        handshake = {
            "Id": handshake_id,
            "Arn": f"arn:aws:organizations::{management}:handshake/{organization['Id']}/invite/{handshake_id}",
            "Parties": [{"Id": organization["Id"], "Type": "ORGANIZATION"}, {"Id": account, "Type": "ACCOUNT"}],
            "State": "OPEN",
            "RequestedTimestamp": now,
            "ExpirationTimestamp": now + 15 * 86400,
            "Action": "INVITE",
            "Resources": [{"Value": organization["Id"], "Type": "ORGANIZATION"}, {"Value": account, "Type": "ACCOUNT"}],
            "_management": management,
            "_account": account,
        }
        with lock:
            handshakes[handshake_id] = handshake
        return org._json(200, {"Handshake": public(handshake)})

    def party(payload):
        handshake = handshakes.get(payload.get("HandshakeId"))
        if handshake is None or get_account_id() not in (handshake["_management"], handshake["_account"]):
            return None, error_response_json("HandshakeNotFoundException", f"no handshake {payload.get('HandshakeId')!r} of this account", 400)
        return handshake, None

    def describe(payload):
        handshake, error = party(payload)
        return error or org._json(200, {"Handshake": public(handshake)})

    def accept(payload):
        handshake, error = party(payload)
        if error:
            return error
        if get_account_id() != handshake["_account"]:
            return error_response_json("AccessDeniedException", "only the invited account accepts an invitation", 400)
        with lock:
            if handshake["State"] != "OPEN":
                return error_response_json("InvalidHandshakeTransitionException", f"the handshake is {handshake['State']}", 400)
            management, account = handshake["_management"], handshake["_account"]
            if organization_of(account) is not None:
                return error_response_json("HandshakeConstraintViolationException", f"ALREADY_IN_AN_ORGANIZATION: account {account} is a member of an organization", 400)
            organization = org._orgs.get_scoped(management, None, "self")
            root_id = next(root for (owner, root) in list(org._roots._data) if owner == management)
            org._accounts.set_scoped(management, None, account, {
                "Id": account,
                "Arn": f"arn:aws:organizations::{management}:account/{organization['Id']}/{account}",
                "Email": f"{account}@ministack.local",
                "Name": account,
                "Status": "ACTIVE",
                "JoinedMethod": "INVITED",
                "JoinedTimestamp": int(time.time()),
                "Path": "/",
                "_ParentId": root_id,
            })
            handshake["State"] = "ACCEPTED"
        return org._json(200, {"Handshake": public(handshake)})

    describe_organization = org._DISPATCH["DescribeOrganization"]

    def describe_joined(payload):
        # A member is told the organization it joined (ministack would make it one of its own).
        joined = organization_of(get_account_id())
        if joined is not None and joined[0] != get_account_id():
            return org._json(200, {"Organization": dict(joined[1])})
        return describe_organization(payload)

    org._DISPATCH.update({"InviteAccountToOrganization": invite, "DescribeHandshake": describe, "AcceptHandshake": accept, "DescribeOrganization": describe_joined})

    reset = org.reset

    def reset_with_handshakes():
        reset()
        with lock:
            handshakes.clear()

    org.reset = reset_with_handshakes
    own_organization = iam_evaluator._principal_org_id

    def principal_org_id(account_id):
        found = organization_of(account_id)
        return found[1].get("Id") if found is not None else own_organization(account_id)

    iam_evaluator._principal_org_id = principal_org_id


# --- Service principals -----------------------------------------------------------------------
# A role's trust policy names the service that may assume it ({"Service": "ses.amazonaws.com"}).
# AWS lets only that service through such a statement, and the service sets the global
# condition keys aws:SourceAccount and aws:SourceArn of the resource it acts for (IAM User Guide,
# "AWS global condition context keys"; "The confused deputy problem"). ministack lets its own
# account root through any Service principal (its internal calls use root credentials), so the
# trust policies of the SES and the delivery role would let anyone of the account assume them.
# Here a Service principal matches only a request made as that service: one from this launcher's
# Firehose (below), or an AssumeRole through the front door with the header
# x-terraform-check-service: SERVICE (no client can be a service; the header stands in for it),
# optionally x-terraform-check-source-arn and x-terraform-check-source-account: the condition
# keys the service would set. Without the header the caller is who signed the request, and a
# Service principal does not name it.
SERVICE_HEADER = "x-terraform-check-service"
SOURCE_ARN_HEADER = "x-terraform-check-source-arn"
SOURCE_ACCOUNT_HEADER = "x-terraform-check-source-account"

_acting_service = contextvars.ContextVar("acting_service", default=None)


def service_request_keys(source_arn=None, source_account=None):
    """The global condition keys a service sets when it acts for a resource."""
    keys = {}
    if source_arn:
        keys["aws:sourcearn"] = source_arn
    if source_account:
        keys["aws:sourceaccount"] = source_account
    return keys


def trust_principal_matches(original, principal, caller_arn, federated):
    service = (_acting_service.get() or {}).get("service")
    if federated:
        return original(principal, caller_arn, federated)
    if service:
        from ministack.core.iam_evaluator import _service_principal_matches

        return principal == "*" or _service_principal_matches(principal, service)
    if isinstance(principal, dict) and "Service" in principal:
        principal = {k: v for k, v in principal.items() if k != "Service"}
    return original(principal, caller_arn, federated)


def patch_service_principal():
    from ministack.core import iam_evaluator
    from ministack.services import sts

    matches = iam_evaluator._trust_principal_matches
    iam_evaluator._trust_principal_matches = lambda principal, caller_arn, federated: trust_principal_matches(matches, principal, caller_arn, federated)
    evaluate = iam_evaluator.evaluate_trust_policy

    def evaluate_trust_policy(trust_doc, caller_arn, ctx=None):
        acting = _acting_service.get()
        if acting and ctx is not None:
            ctx = dataclasses.replace(ctx, service_context={**ctx.service_context, **acting["keys"]})
        return evaluate(trust_doc, caller_arn, ctx)

    iam_evaluator.evaluate_trust_policy = evaluate_trust_policy
    handle = sts.handle_request

    async def handle_request(method, path, headers, body, query_params):
        service = headers.get(SERVICE_HEADER)
        acting = None
        if service:
            acting = {"service": service, "keys": service_request_keys(headers.get(SOURCE_ARN_HEADER), headers.get(SOURCE_ACCOUNT_HEADER))}
        token = _acting_service.set(acting)
        try:
            return await handle(method, path, headers, body, query_params)
        finally:
            _acting_service.reset(token)

    sts.handle_request = handle_request


# --- Firehose delivery, authorized as the delivery role ----------------------------------------
# ministack's Firehose writes its objects into its S3 through an internal call that no policy
# sees. Firehose assumes the stream's delivery role (trust: firehose.amazonaws.com, with
# sts:ExternalId = the account; Firehose Developer Guide, "Grant Firehose access to an Amazon S3
# destination") and writes every object as that role: S3 PutObject is allowed only when the
# role's policies and the bucket policy allow it (IAM User Guide, "Policy evaluation logic"),
# over TLS. With SSE-KMS by a customer managed key (the stream's KMSEncryptionConfig, else the
# bucket's default encryption), S3 calls kms:GenerateDataKey for the role, with kms:ViaService
# s3.REGION.amazonaws.com and the encryption context aws:s3:arn = the bucket's ARN when the bucket
# key is on, the object's otherwise (S3 User Guide, "Using server-side encryption with AWS KMS
# keys", "Encryption context"), which the key policy must allow (KMS Developer Guide, "Key
# policies"). Delivery errors are logged to the stream's log stream, as the role too
# (logs:PutLogEvents; Firehose Developer Guide, "Monitor Amazon Data Firehose using CloudWatch
# Logs", with its error codes S3.AccessDenied, S3.KMS.AccessDeniedException,
# S3.KMS.NotFoundException). This launcher routes each write through ministack's own evaluator
# (iam_evaluator.enforce, the check every signed request gets) under a session of the role, and
# keeps every refusal in DELIVERIES, which GET /_terraform-check/delivery-errors returns (a
# real stream's refusals show in its log and in the DeliveryToS3.Success metric; the check reads
# both the log and this list, since a denied log write leaves the log empty).
DELIVERY_ERRORS_PATH = "/_terraform-check/delivery-errors"


class Deliveries:
    """What Firehose wrote as a delivery role, and what it was refused, since the last clear."""

    def __init__(self):
        self._lock = threading.Lock()
        self.errors = []
        self.writes = []

    def clear(self):
        with self._lock:
            self.errors = []
            self.writes = []

    def refused(self, error):
        with self._lock:
            self.errors.append(error)

    def wrote(self, write):
        with self._lock:
            self.writes.append(write)

    def snapshot(self):
        with self._lock:
            return {"errors": list(self.errors), "writes": list(self.writes)}


DELIVERIES = Deliveries()


async def delivery_errors_endpoint(scope, receive, send):
    while (await receive()).get("more_body"):
        pass
    if scope.get("method") == "DELETE":
        DELIVERIES.clear()
        payload = b"{}"
    else:
        payload = json.dumps(DELIVERIES.snapshot()).encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})


class DeliveryRefused(Exception):
    def __init__(self, code, message, rule):
        super().__init__(message)
        self.code = code
        self.message = message
        self.rule = rule


def describe_denial(result, action, resource, principal):
    """The rule that refused: the explicit Deny (its policy and Sid), or no Allow anywhere."""
    if getattr(result, "code", None):  # an AuthError: the credentials themselves
        return f"{action} on {resource} refused for {principal}: {result.code} {getattr(result, 'message', '')}".strip()
    if result.decision == "Deny":
        where = f"the resource policy of {result.resource_policy_arn}" if result.resource_policy_arn else f"a policy of {principal}"
        sid = f" (statement {result.matched_sid})" if result.matched_sid else ""
        return f"{action} on {resource} explicitly denied to {principal} by {where}{sid}"
    return f"{action} on {resource} not allowed to {principal}: no statement of its policies or the resource's policy allows it (implicit deny)"


_current_delivery = threading.local()


def _region_of(arn, default):
    parts = (arn or "").split(":")
    return parts[3] if len(parts) > 5 and parts[3] else default


class DeliverySession:
    """Firehose acting for one stream: the delivery role assumed as firehose.amazonaws.com."""

    def __init__(self, stream, dest):
        from ministack.core.responses import get_account_id, get_region
        from ministack.services import firehose

        self.stream = stream
        self.config = dest["config"]
        self.account = get_account_id()
        self.region = get_region()
        self.stream_arn = stream.get("arn") or firehose._stream_arn(stream["name"])
        self.role_arn = self.config.get("RoleARN", "")
        self.bucket = firehose._s3_bucket_from_arn(self.config.get("BucketARN", ""))
        self.access_key = None
        self.assume_error = None

    def assume(self):
        """Assumes the delivery role as Firehose does; None, or the DeliveryRefused."""
        if self.access_key or self.assume_error:
            return self.assume_error
        from ministack.core.iam_evaluator import EvalContext, evaluate_trust_policy
        from ministack.services import iam, sts

        parts = self.role_arn.split(":")
        role_account = parts[4] if len(parts) > 5 else ""
        role_name = self.role_arn.rsplit("/", 1)[-1]
        try:
            role = iam._roles.get_scoped(role_account, None, role_name) if role_account else None
        except Exception:
            role = None
        keys = {"sts:externalid": self.account, **service_request_keys(self.stream_arn, self.account)}
        ctx = EvalContext(principal_arn="firehose.amazonaws.com", principal_type="Service", principal_account=self.account,
                          action="sts:AssumeRole", resource_arn=self.role_arn, region=self.region, service_context=keys)
        token = _acting_service.set({"service": "firehose.amazonaws.com", "keys": {}})
        try:
            trusted = role is not None and evaluate_trust_policy(role.get("AssumeRolePolicyDocument", "{}"), "firehose.amazonaws.com", ctx)
        finally:
            _acting_service.reset(token)
        if not trusted:
            why = "it does not exist" if role is None else "its trust policy does not let firehose.amazonaws.com assume it with sts:ExternalId " + self.account
            self.assume_error = DeliveryRefused(
                "S3.AccessDenied",
                "Access was denied. Ensure that the trust policy for the provided IAM role allows Firehose to assume the role, and the access policy allows access to the S3 bucket.",
                f"sts:AssumeRole of {self.role_arn} refused to firehose.amazonaws.com: {why}",
            )
            return self.assume_error
        self.access_key = sts._gen_session_access_key()
        self.session_arn = f"arn:aws:sts::{role_account}:assumed-role/{role_name}/firehose-delivery"
        sts.register_session(self.access_key, {
            "Arn": self.session_arn, "UserId": f"{sts._role_id(self.role_arn)}:firehose-delivery",
            "SecretAccessKey": sts._gen_secret(), "SessionToken": sts._gen_session_token(),
            "Expiration": time.time() + 900, "AccountId": role_account, "PrincipalType": "AssumedRole",
            "SourceAccessKeyId": "", "SourcePrincipalArn": "firehose.amazonaws.com",
            "SessionTags": [], "SessionPolicies": None,
        })
        return None

    def enforce(self, action, service, resource, context):
        """ministack's own evaluation of ACTION on RESOURCE by the role's session, over TLS; a denial or None."""
        from ministack.core import iam_evaluator

        def run():
            iam_evaluator._signed_request.set(None)
            iam_evaluator._verified_key.set("")
            iam_evaluator._anonymous.set(False)
            iam_evaluator._request_caller_arn.set(self.session_arn)
            iam_evaluator.pin_request_origin("firehose.amazonaws.com", True)
            return iam_evaluator.enforce(self.access_key, action, service, _region_of(resource, self.region), resource_arn=resource, service_context=context)

        return contextvars.copy_context().run(run)

    def foreign_bucket_denial(self, resource, context):
        """With the bucket in another account (a lake's), its owner's bucket policy must allow the write too; a denial or None.

        ministack's evaluator reads the bucket policy only in the caller's own account (its S3 front
        door checks another owner's policy itself, which this internal write never passes); across
        accounts AWS requires an allow in both the role's policies and the bucket policy, and an
        explicit deny in either refuses (IAM User Guide, "Cross-account policy evaluation logic").
        """
        from ministack.core import iam_evaluator
        from ministack.services import s3

        owner, region = bucket_home(self.bucket)
        role_account = self.role_arn.split(":")[4] if len(self.role_arn.split(":")) > 5 else self.account
        if owner == role_account:
            return None
        policy = s3._bucket_policies.get_scoped(owner, None, self.bucket)

        def run():
            iam_evaluator.pin_request_origin("firehose.amazonaws.com", True)
            ctx = iam_evaluator.EvalContext(principal_arn=self.session_arn, principal_type="AssumedRole", principal_account=role_account,
                                            action="s3:PutObject", resource_arn=resource, region=region,
                                            service_context={k.lower(): v for k, v in context.items()})
            return iam_evaluator.evaluate_resource_policy(policy or "", ctx)

        result = contextvars.copy_context().run(run)
        if result.decision == "Allow":
            return None
        result.resource_policy_arn = f"arn:aws:s3:::{self.bucket}"
        return result

    def kms_key(self, key):
        """The customer managed key an object written here is encrypted with, and whether the bucket key is on."""
        stream_key = (self.config.get("EncryptionConfiguration") or {}).get("KMSEncryptionConfig") or {}
        if stream_key.get("AWSKMSKeyARN"):
            return stream_key["AWSKMSKeyARN"], False
        from ministack.services import s3

        if not self.bucket:
            return None, False
        with bucket_scope(self.bucket):
            raw = s3._bucket_encryption.get(self.bucket)
        if not raw:
            return None, False
        text = raw if isinstance(raw, str) else json.dumps(raw)
        if "aws:kms" not in text:
            return None, False
        found = re.search(r"<KMSMasterKeyID>([^<]+)</KMSMasterKeyID>", text)
        bucket_key = re.search(r"<BucketKeyEnabled>\s*true\s*</BucketKeyEnabled>", text, re.IGNORECASE) is not None
        # Without a key ID the AWS managed key aws/s3 is used, whose policy AWS writes itself.
        return (found.group(1) if found else None), bucket_key

    def authorize_put(self, key):
        """None when Firehose may write s3://BUCKET/KEY as the role, else the DeliveryRefused."""
        from ministack.core.iam_actions import s3_service_context
        from ministack.services import kms

        refused = self.assume()
        if refused:
            return refused
        resource = f"arn:aws:s3:::{self.bucket}/{key}"
        context = s3_service_context("s3:PutObject", {}, f"/{self.bucket}/{key}", {})
        denied = self.enforce("s3:PutObject", "s3", resource, context) or self.foreign_bucket_denial(resource, context)
        if denied:
            return DeliveryRefused(
                "S3.AccessDenied",
                "Access was denied. Ensure that the trust policy for the provided IAM role allows Firehose to assume the role, and the access policy allows access to the S3 bucket.",
                describe_denial(denied, "s3:PutObject", resource, self.session_arn),
            )
        key_id, bucket_key = self.kms_key(key)
        if key_id:
            from ministack.core.responses import request_scope

            # A key named by ARN is in the account and Region it names (a lake's), else the bucket owner's.
            bucket_account, bucket_region = bucket_home(self.bucket)
            parts = key_id.split(":")
            home = (parts[4], parts[3]) if key_id.startswith("arn:") and len(parts) > 5 else (bucket_account, bucket_region)
            with request_scope(*home):
                record = kms._resolve_key(key_id)
            if record is None:
                return DeliveryRefused("S3.KMS.NotFoundException", f"The provided AWS KMS key {key_id} was not found.",
                                       f"kms:GenerateDataKey: key {key_id} does not exist")
            encryption_context = f"arn:aws:s3:::{self.bucket}" if bucket_key else resource
            context = {
                "kms:ViaService": f"s3.{bucket_region}.amazonaws.com",
                "kms:CallerAccount": self.account,
                "kms:EncryptionContext:aws:s3:arn": encryption_context,
                "kms:EncryptionContextKeys": ["aws:s3:arn"],
            }
            denied = self.enforce("kms:GenerateDataKey", "kms", record["Arn"], context)
            if denied:
                return DeliveryRefused(
                    "S3.KMS.AccessDeniedException",
                    f"Firehose does not have access to the AWS KMS key {record['Arn']}: check the key policy and the role's policy.",
                    describe_denial(denied, "kms:GenerateDataKey (via S3, encryption context aws:s3:arn " + encryption_context + ")", record["Arn"], self.session_arn),
                )
        return None

    def log_error(self, code, message):
        """The delivery-error log event, written as the role; a DeliveryRefused when that is denied."""
        options = self.config.get("CloudWatchLoggingOptions") or {}
        if not options.get("Enabled"):
            return None
        from ministack.services import cloudwatch_logs as logs

        group, stream_name = options.get("LogGroupName", ""), options.get("LogStreamName", "")
        resource = f"arn:aws:logs:{self.region}:{self.account}:log-group:{group}:log-stream:{stream_name}"
        refused = self.assume()
        if refused:
            return refused
        denied = self.enforce("logs:PutLogEvents", "logs", resource, {})
        if denied:
            return DeliveryRefused("Logs.AccessDenied", f"the delivery-error log event was not written to {group}/{stream_name}",
                                   describe_denial(denied, "logs:PutLogEvents", resource, self.session_arn))
        log_group = logs._log_groups.get(group)
        log_stream = (log_group or {}).get("streams", {}).get(stream_name)
        if log_stream is None:
            return DeliveryRefused("Logs.ResourceNotFound", f"the delivery-error log stream {group}/{stream_name} does not exist",
                                   f"logs:PutLogEvents: no log stream {stream_name} in {group}")
        now = int(time.time() * 1000)
        event = {"deliveryStreamARN": self.stream_arn, "destination": self.config.get("BucketARN", ""),
                 "deliveryStreamVersionId": self.stream.get("version", 1), "message": message, "errorCode": code}
        logs._append_log_events(log_stream, [{"timestamp": now, "message": json.dumps(event), "ingestionTime": now}])
        return None


def error_document(body):
    """The ErrorCode and ErrorMessage of one of ministack's error-output documents, or None."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError, TypeError):
        return None
    if not isinstance(document, dict) or "rawData" not in document or "attemptsMade" not in document:
        return None
    message = document.get("ErrorMessage", "")
    code = document.get("ErrorCode") or ("DynamicPartitioning.MetadataExtractionFailed" if message.startswith("Metadata extraction") else "Firehose.ProcessingFailed")
    return code, message


def authorized_put(internal_put, bucket, key, body):
    """Firehose's write of one object: as the delivery role of the stream being delivered, or refused."""
    session = getattr(_current_delivery, "session", None)
    if session is None:
        return internal_put(bucket, key, body)
    failure = error_document(body)
    refused = session.authorize_put(key)
    if refused:
        DELIVERIES.refused({"stream": session.stream_arn, "role": session.role_arn, "object": f"s3://{bucket}/{key}",
                            "errorCode": refused.code, "rule": refused.rule})
        not_logged = session.log_error(refused.code, refused.message)
        if not_logged:
            DELIVERIES.refused({"stream": session.stream_arn, "role": session.role_arn, "object": "delivery-error log",
                                "errorCode": not_logged.code, "rule": not_logged.rule})
        return None
    internal_put(bucket, key, body)
    DELIVERIES.wrote({"stream": session.stream_arn, "role": session.role_arn, "object": f"s3://{bucket}/{key}",
                      "errorOutput": failure is not None})
    if failure:
        not_logged = session.log_error(*failure)
        if not_logged:
            DELIVERIES.refused({"stream": session.stream_arn, "role": session.role_arn, "object": "delivery-error log",
                                "errorCode": not_logged.code, "rule": not_logged.rule})
    return None


class delivering:
    """Marks the writes made inside as Firehose's for STREAM's destination DEST."""

    def __init__(self, stream, dest):
        self.session = DeliverySession(stream, dest)

    def __enter__(self):
        self.previous = getattr(_current_delivery, "session", None)
        _current_delivery.session = self.session
        return self.session

    def __exit__(self, *exc):
        _current_delivery.session = self.previous
        return False


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


# CloudWatch Logs encrypts a log group's events with the key only when the key policy lets the
# service principal logs.REGION.amazonaws.com use it for that log group (encryption context
# aws:logs:arn = the log group's ARN); otherwise AssociateKmsKey and CreateLogGroup with a
# kmsKeyId fail with "The specified KMS key does not exist or is not allowed to be used with Arn"
# (CloudWatch Logs User Guide, "Encrypt log data in CloudWatch Logs using AWS Key Management
# Service", step 2: the key policy; API Reference, AssociateKmsKey).
LOGS_KEY_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:GenerateDataKey", "kms:DescribeKey")


def logs_key_refusal(key_id, group_arn, region):
    """None when the key exists and its policy lets CloudWatch Logs use it for the group, else why not."""
    from ministack.core.iam_evaluator import EvalContext, evaluate_resource_policy
    from ministack.services import kms

    record = kms._resolve_key(key_id or "")
    if record is None:
        return f"key {key_id} does not exist"
    if record.get("KeyState") not in (None, "Enabled"):
        return f"key {key_id} is {record.get('KeyState')}"
    service = f"logs.{region}.amazonaws.com"
    for action in LOGS_KEY_ACTIONS:
        ctx = EvalContext(principal_arn=service, principal_type="Service", principal_account="", action=action,
                          resource_arn=record["Arn"], region=region,
                          service_context={"kms:encryptioncontext:aws:logs:arn": group_arn})
        result = evaluate_resource_policy(record.get("Policy") or "", ctx, service=service)
        if result.decision != "Allow":
            how = f"denies it (statement {result.matched_sid})" if result.decision == "Deny" else "has no statement allowing it"
            return f"the key policy of {record['Arn']} {how}: {service} {action} with kms:EncryptionContext:aws:logs:arn {group_arn}"
    return None


def patch_logs_kms():
    from ministack.core.responses import error_response_json, get_account_id, get_region, json_response
    from ministack.services import cloudwatch_logs as logs

    handle = logs.handle_request

    def refused(key_id, group, region):
        group_arn = f"arn:aws:logs:{region}:{get_account_id()}:log-group:{group}"
        why = logs_key_refusal(key_id, group_arn, region)
        if why is None:
            return None
        print(f"ministack-server: CloudWatch Logs refuses key {key_id} for {group}: {why}", file=sys.stderr, flush=True)
        return error_response_json(
            "AccessDeniedException", f"The specified KMS key does not exist or is not allowed to be used with Arn '{group_arn}' ({why})", 400
        )

    async def handle_request(method, path, headers, body, query_params):
        action = headers.get("x-amz-target", "").split(".")[-1]
        if action not in ("AssociateKmsKey", "DisassociateKmsKey", "CreateLogGroup"):
            return await handle(method, path, headers, body, query_params)
        data = json.loads(body or b"{}")
        region = get_region()
        if action == "CreateLogGroup":
            if data.get("kmsKeyId") and (answer := refused(data["kmsKeyId"], data.get("logGroupName", ""), region)):
                return answer
            return await handle(method, path, headers, body, query_params)
        group = logs._log_groups.get(data.get("logGroupName"))
        if group is None:
            return error_response_json("ResourceNotFoundException", "The specified log group does not exist.", 400)
        if action == "AssociateKmsKey" and (answer := refused(data.get("kmsKeyId"), data.get("logGroupName"), region)):
            return answer
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
    patch_organization_members()
    patch_policy_variables()

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
