"""Sends events through an applied stack as SES does, and probes the applied IAM policies with the
emulator's policy evaluation (ministack AUTH=true, corrected by ministack-server.py).

Usage: AWS_ENDPOINT_URL=http://127.0.0.1:PORT python event-flow.py STATE_JSON OBJECTS_DIR OUT_JSON RECORDS_FILE...

STATE_JSON is `terraform show -json` of the applied state; it names the configuration set, and the
reader policy and the saved queries the IAM probes use. Everything else is read back from the
emulator, as SES and Firehose would find it:

1. SES: the configuration set's event destinations (SESv2 GetConfigurationSetEventDestinations).
   Each record goes through every destination that is enabled and matches its event type; for
   each, SES assumes the destination's IamRoleArn (as ses.amazonaws.com, with aws:SourceAccount and
   aws:SourceArn of the configuration set) and puts the records with PutRecordBatch into its
   DeliveryStreamArn. An event type no destination takes, a role SES cannot assume or a stream
   it may not write is a failure, named.
2. Firehose: the launcher writes every object as the stream's delivery role; each refusal (and
   each entry of the stream's delivery-error log) is a failure, named. One record Firehose cannot
   partition is sent too: it must land under the error output prefix, written by Firehose, and be
   logged as a delivery error.
3. Landing: the objects under the stream's prefix, read back into OBJECTS_DIR (under their keys):
   each event type in its own partition, every record put read back once.
4. IAM: what the SES role, the delivery role and the reader policy may and may not do.

OUT_JSON: {"eventFlow": {...}, "iam": {...}, "failedChecks": [...]}; the exit status is 1 when any
check failed. A failure names its check: ses, delivery, events or iam.
"""

import gzip
import json
import os
import re
import sys
import urllib.request

import boto3
from botocore.exceptions import ClientError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import parquet_objects  # noqa: E402 (beside this file)
from state_records import read_records, resources  # noqa: E402 (beside this file)
DENIED = ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation")
DELIVERY_ERRORS_PATH = "/_terraform-check/delivery-errors"
# The launcher's stand-in for a request made by a service (ministack-server.py).
SERVICE_HEADER = "x-terraform-check-service"
SOURCE_ARN_HEADER = "x-terraform-check-source-arn"
SOURCE_ACCOUNT_HEADER = "x-terraform-check-source-account"
OTHER_ACCOUNT = "111122223333"
# The eventType SES writes -> the event type a destination matches (SESv2 API Reference, EventType).
SES_EVENT_TYPES = {
    "Send": "SEND", "Reject": "REJECT", "Bounce": "BOUNCE", "Complaint": "COMPLAINT", "Delivery": "DELIVERY",
    "Open": "OPEN", "Click": "CLICK", "Rendering Failure": "RENDERING_FAILURE", "DeliveryDelay": "DELIVERY_DELAY",
    "Subscription": "SUBSCRIPTION",
}
# A record no MetadataExtraction query of {event_type: .eventType} can partition.
UNPARTITIONABLE = {"terraformCheck": "a record without eventType, which Firehose cannot partition"}


def log(message):
    print(f"terraform-check:   {message}", file=sys.stderr)


def client(name, credentials=None, region=None):
    keys = {}
    if credentials is not None:
        keys = {"aws_access_key_id": credentials["AccessKeyId"], "aws_secret_access_key": credentials["SecretAccessKey"],
                "aws_session_token": credentials["SessionToken"]}
    made = boto3.client(name, region_name=region or os.environ.get("AWS_REGION") or "us-east-1", **keys)
    if name == "s3":
        # The bucket policy denies every request without TLS (aws:SecureTransport), as AWS would
        # evaluate it; the emulator speaks HTTP on loopback, so the request says it came over
        # HTTPS the way a TLS-terminating proxy does (ministack reads X-Forwarded-Proto).
        made.meta.events.register("before-sign.s3", lambda request, **_: request.headers.__setitem__("X-Forwarded-Proto", "https"))
    return made


def assume(role_arn, session, region, service=None, source_arn=None, source_account=None, external_id=None):
    """AssumeRole as the account's root, or, with SERVICE, as that service acting for SOURCE_ARN."""
    sts = client("sts", region=region)

    def headers(request, **_):
        if service:
            request.headers[SERVICE_HEADER] = service
        if source_arn:
            request.headers[SOURCE_ARN_HEADER] = source_arn
        if source_account:
            request.headers[SOURCE_ACCOUNT_HEADER] = source_account

    sts.meta.events.register("before-sign.sts.AssumeRole", headers)
    extra = {"ExternalId": external_id} if external_id else {}
    return sts.assume_role(RoleArn=role_arn, RoleSessionName=session, **extra)["Credentials"]


def error_text(error):
    return f"{error.response['Error'].get('Code', '?')}: {error.response['Error'].get('Message', '')}"


def route(records, destinations):
    """The records each enabled Firehose destination takes, and the event types none takes.

    SES publishes an event through every event destination of the configuration set that is
    enabled and lists its event type (SES Developer Guide, "Creating Amazon SES event
    destinations"); a destination of another kind (CloudWatch, SNS, ...) takes it elsewhere."""
    routed = {}
    untaken = {}
    for record in records:
        event_type = SES_EVENT_TYPES.get(record.get("eventType"))
        taken = False
        for destination in destinations:
            if not destination.get("Enabled") or event_type not in destination.get("MatchingEventTypes", []):
                continue
            taken = True
            if destination.get("KinesisFirehoseDestination"):
                routed.setdefault(destination["Name"], []).append(record)
        if not taken:
            key = event_type or repr(record.get("eventType"))
            untaken[key] = untaken.get(key, 0) + 1
    return routed, untaken


def describe_destinations(destinations):
    if not destinations:
        return "it has none"
    return "; ".join(
        f"{d['Name']}: {'enabled' if d.get('Enabled') else 'DISABLED'}, {', '.join(d.get('MatchingEventTypes', [])) or 'no event types'}"
        for d in destinations)


def decode_object(key, body, parquet=False):
    """The records of one delivered object, one JSON text each, and a problem or None.

    The objects of a stream without format conversion are GZIP JSON Lines: each record as SES
    wrote it, a newline after each. With record format conversion each object is Parquet, its rows
    the records converted (keys lowercased as the table's columns name them, null fields left out)."""
    if parquet:
        if not parquet_objects.is_parquet(body):
            return [], f"{key} is not Parquet"
        return [json.dumps(row) for row in parquet_objects.rows(body)], None
    try:
        text = gzip.decompress(body).decode()
    except OSError:
        return [], f"{key} is not GZIP"
    problem = None if text.endswith("\n") else f"{key} does not end with a newline"
    return text.splitlines(), problem


def prefix_root(prefix):
    """The fixed folder above the first expression of a prefix: events/ of events/event_type=!{...}/..."""
    fixed = prefix.split("!{")[0]
    return fixed.rsplit("/", 1)[0] + "/" if "/" in fixed else ""


def object_path(objects_dir, key):
    """Where the object KEY is read back to under OBJECTS_DIR, or None when the key (its prefix is the
    stack's: "/...", "../...") would put it elsewhere on this machine."""
    root = os.path.realpath(objects_dir)
    path = os.path.realpath(os.path.join(root, key))
    return path if path.startswith(root + os.sep) else None


def expected_partition(prefix, event_type):
    """The folder under prefix_root an event of EVENT_TYPE belongs in, when the prefix partitions by a query key."""
    rest = prefix[len(prefix_root(prefix)):].split("/")[0]
    if "!{partitionKeyFromQuery:" not in rest:
        return None
    return re.sub(r"!\{partitionKeyFromQuery:[^}]+\}", event_type, rest)


def emulator_call(method, path):
    request = urllib.request.Request(os.environ["AWS_ENDPOINT_URL"] + path, method=method)
    answer = urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=30).read()
    return json.loads(answer or b"{}")


def empty(s3, bucket, prefix):
    """Deletes every object under PREFIX (a rerun on the same stack starts from nothing)."""
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
        if keys:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": keys})


def list_keys(s3, bucket, prefix):
    return [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix) for o in page.get("Contents", [])]


class Checks:
    def __init__(self):
        self.problems = []
        self.allowed = 0
        self.denied = 0
        self.unexpected = []

    def problem(self, check, message):
        log(f"{check}: PROBLEM: {message}")
        self.problems.append(f"{check}: {message}")

    def expect(self, who, what, allowed, call):
        try:
            call()
            outcome = "allowed"
        except ClientError as error:
            code = error.response["Error"]["Code"]
            outcome = "denied" if code in DENIED or error.response["ResponseMetadata"]["HTTPStatusCode"] == 403 else f"allowed ({code})"
        ok = outcome.startswith("allowed") == allowed
        log(f"iam: {who} {what}: {outcome} ({'as expected' if ok else 'UNEXPECTED'})")
        if not ok:
            self.unexpected.append(f"{who} {what}: {outcome}, expected {'allowed' if allowed else 'denied'}")
        elif allowed:
            self.allowed += 1
        else:
            self.denied += 1

    def failed(self):
        checks = {problem.split(":", 1)[0] for problem in self.problems}
        if self.unexpected:
            checks.add("iam")
        return sorted(checks)


class Stream:
    """A delivery stream as the emulator describes it."""

    def __init__(self, arn):
        self.arn = arn
        self.name = arn.rsplit("/", 1)[-1]
        self.region = arn.split(":")[3]
        description = client("firehose", region=self.region).describe_delivery_stream(DeliveryStreamName=self.name)["DeliveryStreamDescription"]
        s3 = description["Destinations"][0].get("ExtendedS3DestinationDescription") or {}
        self.role_arn = s3.get("RoleARN", "")
        self.bucket = s3.get("BucketARN", "").split(":::")[-1]
        self.prefix = s3.get("Prefix", "")
        self.error_prefix = s3.get("ErrorOutputPrefix", "")
        self.partitioned = bool((s3.get("DynamicPartitioningConfiguration") or {}).get("Enabled"))
        conversion = s3.get("DataFormatConversionConfiguration") or {}
        self.parquet = bool(conversion) and conversion.get("Enabled", True) is not False
        logging = s3.get("CloudWatchLoggingOptions") or {}
        self.log = (logging["LogGroupName"], logging["LogStreamName"]) if logging.get("Enabled") else None

    def log_events(self):
        """Every event of the stream's delivery-error log, oldest first."""
        if not self.log:
            return []
        try:
            events = client("logs", region=self.region).get_log_events(
                logGroupName=self.log[0], logStreamName=self.log[1], startFromHead=True)["events"]
        except ClientError as error:
            return [{"errorCode": "Unreadable", "message": error_text(error)}]
        found = []
        for event in events:
            try:
                found.append(json.loads(event["message"]))
            except ValueError:
                found.append({"errorCode": "?", "message": event["message"]})
        return found


def publish(checks, configuration_set, set_arn, account, region, records):
    """SES's part: the records through the applied event destinations. The Firehose destinations used, by name."""
    sesv2 = client("sesv2", region=region)
    try:
        destinations = sesv2.get_configuration_set_event_destinations(ConfigurationSetName=configuration_set).get("EventDestinations", [])
    except ClientError as error:
        checks.problem("ses", f"reading the event destinations of configuration set {configuration_set}: {error_text(error)}")
        return {}
    routed, untaken = route(records, destinations)
    for event_type, count in sorted(untaken.items()):
        checks.problem("ses", f"no enabled event destination of configuration set {configuration_set} matches {event_type} "
                              f"({count} records not published; {describe_destinations(destinations)})")
    used = {}
    for destination in destinations:
        name = destination["Name"]
        if name not in routed:
            continue
        firehose = destination["KinesisFirehoseDestination"]
        role_arn, stream_arn = firehose.get("IamRoleArn", ""), firehose.get("DeliveryStreamArn", "")
        where = f"event destination {name} of configuration set {configuration_set}"
        try:
            credentials = assume(role_arn, "ses-event-publishing", region, "ses.amazonaws.com", set_arn, account)
        except ClientError as error:
            checks.problem("ses", f"{where}: SES cannot assume its IamRoleArn {role_arn} for {set_arn}: {error_text(error)}")
            continue
        lines = [(json.dumps(record) + "\n").encode() for record in routed[name]]
        stream_name, stream_region = stream_arn.rsplit("/", 1)[-1], stream_arn.split(":")[3]
        put = 0
        for start in range(0, len(lines), 500):
            batch = [{"Data": line} for line in lines[start:start + 500]]
            try:
                answer = client("firehose", credentials, stream_region).put_record_batch(DeliveryStreamName=stream_name, Records=batch)
            except ClientError as error:
                checks.problem("ses", f"{where}: PutRecordBatch into its DeliveryStreamArn {stream_arn} as {role_arn}: {error_text(error)}")
                break
            if answer["FailedPutCount"]:
                checks.problem("ses", f"{where}: {answer['FailedPutCount']} records of a PutRecordBatch into {stream_arn} failed")
            put += len(batch) - answer["FailedPutCount"]
        log(f"events: {put} of {len(lines)} records through {name} into {stream_name} as {role_arn}")
        used[name] = {"stream": stream_arn, "role": role_arn, "credentials": credentials, "lines": lines[:put]}
    return used


def main(state_file, objects_dir, out_file, record_files):
    with open(state_file) as f:
        state = resources(json.load(f))
    checks = Checks()
    [configuration_set] = [s["configuration_set_name"] for s in state.get("aws_sesv2_configuration_set", [])][:1] or [None]
    if configuration_set is None:
        raise SystemExit("event-flow: the state has no aws_sesv2_configuration_set")
    region = state["aws_sesv2_configuration_set"][0].get("arn", "").split(":")[3:4] or ["us-east-1"]
    region = region[0] or "us-east-1"
    account = client("sts", region=region).get_caller_identity()["Account"]
    set_arn = f"arn:aws:ses:{region}:{account}:configuration-set/{configuration_set}"
    records = [record for path in record_files for record in read_records(path)]

    # A rerun on the same stack (the fault suite) starts from an empty bucket and no refusals.
    streams = {}
    sesv2 = client("sesv2", region=region)
    for destination in sesv2.get_configuration_set_event_destinations(ConfigurationSetName=configuration_set).get("EventDestinations", []):
        arn = (destination.get("KinesisFirehoseDestination") or {}).get("DeliveryStreamArn")
        if arn and arn not in streams:
            try:
                streams[arn] = Stream(arn)
            except ClientError:
                continue
            s3 = client("s3", region=streams[arn].region)
            for prefix in {prefix_root(streams[arn].prefix), prefix_root(streams[arn].error_prefix)}:
                empty(s3, streams[arn].bucket, prefix)
    emulator_call("DELETE", DELIVERY_ERRORS_PATH)
    logged_before = {arn: len(stream.log_events()) for arn, stream in streams.items()}

    used = publish(checks, configuration_set, set_arn, account, region, records)
    lines_put = [line for use in used.values() for line in use["lines"]]

    # The record Firehose cannot partition, through the first destination used, to its error output.
    probe = next((use for use in used.values() if use["lines"]), None)
    probe_stream = streams.get(probe["stream"]) if probe else None
    if probe_stream and probe_stream.partitioned:
        client("firehose", probe["credentials"], probe_stream.region).put_record_batch(
            DeliveryStreamName=probe_stream.name, Records=[{"Data": (json.dumps(UNPARTITIONABLE) + "\n").encode()}])

    deliveries = emulator_call("GET", DELIVERY_ERRORS_PATH)
    for error in deliveries["errors"]:
        checks.problem("delivery", f"Firehose stream {error['stream']} could not write {error['object']} ({error['errorCode']}): {error['rule']}")
    error_keys = []
    landed, read_back, keys, converted = {}, [], [], []
    for arn, stream in streams.items():
        if not any(use["stream"] == arn for use in used.values()):
            continue
        events = stream.log_events()[logged_before[arn]:]
        expected_codes = ["DynamicPartitioning.MetadataExtractionFailed"] if stream is probe_stream and stream.partitioned else []
        codes = [event.get("errorCode") for event in events]
        for event in events:
            if event.get("errorCode") not in expected_codes:
                checks.problem("delivery", f"the delivery-error log {'/'.join(stream.log)} of {stream.name}: {event.get('errorCode')}: {event.get('message')}")
        if stream.log and expected_codes and codes.count(expected_codes[0]) != 1:
            checks.problem("delivery", f"the record Firehose cannot partition was not logged once in {'/'.join(stream.log)} (logged: {codes})")
        s3 = client("s3", region=stream.region)
        if stream is probe_stream and stream.partitioned:
            error_keys = list_keys(s3, stream.bucket, prefix_root(stream.error_prefix))
            written = [w for w in deliveries["writes"] if w["errorOutput"]]
            if len(error_keys) != 1 or len(written) != 1:
                checks.problem("delivery", f"the record Firehose cannot partition: {len(error_keys)} objects under s3://{stream.bucket}/{prefix_root(stream.error_prefix)}, "
                                           f"{len(written)} written by Firehose as the delivery role, expected one")
        root = prefix_root(stream.prefix)
        stream_keys = list_keys(s3, stream.bucket, root)
        keys += stream_keys
        for key in stream_keys:
            body = s3.get_object(Bucket=stream.bucket, Key=key)["Body"].read()
            found, problem = decode_object(key, body, stream.parquet)
            if problem:
                checks.problem("events", problem)
            if not found:
                continue
            path = object_path(objects_dir, key)
            if path is None:
                checks.problem("events", f"s3://{stream.bucket}/{key} is not read back: its key leads out of {objects_dir}")
                continue
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(body)
            for line in found:
                record = json.loads(line)
                event_type = record.get("eventtype") if stream.parquet else record.get("eventType")
                # A Parquet row is the record as the table's columns hold it: held to its event type.
                read_back.append(event_type if stream.parquet else line)
                converted.append(stream.parquet)
                landed.setdefault(event_type, set()).add(key[len(root):].split("/")[0])
        for event_type, partitions in sorted(landed.items(), key=lambda item: str(item[0])):
            want = expected_partition(stream.prefix, str(event_type))
            if want is not None and partitions != {want}:
                checks.problem("events", f"{event_type} landed in {sorted(partitions)} under s3://{stream.bucket}/{root}, not in {want} "
                                         f"(the prefix {stream.prefix})")
        log(f"events: {len(stream_keys)} objects under s3://{stream.bucket}/{root}: {', '.join(sorted(map(str, landed)))}")
    put = [line.decode().rstrip("\n") for line in lines_put]
    if converted and all(converted):
        put = [json.loads(line).get("eventType") for line in put]
    if sorted(read_back, key=str) != sorted(put, key=str):
        checks.problem("events", f"read back {len(read_back)} records, not the {len(lines_put)} put, each once")

    iam_probes(checks, state, used, streams, keys, error_keys, set_arn, account, region)

    result = {
        "eventFlow": {
            "recordsPut": len(lines_put),
            "objectsWritten": len(keys),
            "eventTypesLanded": sorted(map(str, landed)),
            "deliveredAsRole": len(deliveries["writes"]),
            "problems": checks.problems,
        },
        "iam": {"allowedAsExpected": checks.allowed, "deniedAsExpected": checks.denied, "unexpected": checks.unexpected},
        "failedChecks": checks.failed(),
    }
    with open(out_file, "w") as f:
        json.dump(result, f, indent=2)
    return not checks.failed()


def iam_probes(checks, state, used, streams, keys, error_keys, set_arn, account, region):
    """What the SES role, the delivery role and the reader may and may not do."""
    use = next(iter(used.values()), None)
    if use is None:
        checks.problem("iam", "no event destination delivered, so the roles could not be probed")
        return
    stream = streams.get(use["stream"])
    ses_role = use["role"]
    firehose = client("firehose", use["credentials"], stream.region if stream else region)
    data = [{"Data": use["lines"][0]}] if use["lines"] else [{"Data": b"{}\n"}]
    name = use["stream"].rsplit("/", 1)[-1]
    checks.expect("SES role", f"firehose:PutRecordBatch into {name}", True, lambda: firehose.put_record_batch(DeliveryStreamName=name, Records=data))
    checks.expect("SES role", f"firehose:PutRecord into {name}", False, lambda: firehose.put_record(DeliveryStreamName=name, Record=data[0]))
    other = name + "-other"
    checks.expect("SES role", f"firehose:PutRecordBatch into {other}", False, lambda: firehose.put_record_batch(DeliveryStreamName=other, Records=data))
    if stream and keys:
        checks.expect("SES role", f"s3:GetObject of {keys[0]}", False, lambda: client("s3", use["credentials"]).get_object(Bucket=stream.bucket, Key=keys[0]))

    # Who may assume the SES role: SES acting for this configuration set, in this account, only.
    other_account_set = set_arn.replace(f":{account}:", f":{OTHER_ACCOUNT}:")
    checks.expect("SES role", "sts:AssumeRole by SES for this configuration set", True,
                  lambda: assume(ses_role, "probe", region, "ses.amazonaws.com", set_arn, account))
    checks.expect("SES role", f"sts:AssumeRole by SES for {other_account_set} (another account)", False,
                  lambda: assume(ses_role, "probe", region, "ses.amazonaws.com", other_account_set, OTHER_ACCOUNT))
    checks.expect("SES role", f"sts:AssumeRole by SES for {set_arn}-other (another configuration set)", False,
                  lambda: assume(ses_role, "probe", region, "ses.amazonaws.com", set_arn + "-other", account))
    checks.expect("SES role", "sts:AssumeRole by SES with no source context", False,
                  lambda: assume(ses_role, "probe", region, "ses.amazonaws.com"))
    checks.expect("SES role", "sts:AssumeRole by the account's root", False, lambda: assume(ses_role, "probe", region))
    # Who may assume the delivery role: Firehose, with the account as sts:ExternalId, only.
    if stream and stream.role_arn:
        delivery_role = stream.role_arn
        checks.expect("delivery role", "sts:AssumeRole by Firehose", True,
                      lambda: assume(delivery_role, "probe", region, "firehose.amazonaws.com", use["stream"], account, external_id=account))
        checks.expect("delivery role", "sts:AssumeRole by SES", False,
                      lambda: assume(delivery_role, "probe", region, "ses.amazonaws.com", set_arn, account, external_id=account))
        checks.expect("delivery role", "sts:AssumeRole by the account's root", False,
                      lambda: assume(delivery_role, "probe", region, external_id=account))

    # The reader policy, attached to a role the account's root may assume (a probe, not part of the stack).
    policies = state.get("aws_iam_policy", [])
    if not policies or not stream:
        return
    root = client("iam")
    reader_policy = policies[0]
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"}]}
    try:
        probe = root.create_role(RoleName="terraform-check-reader", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    except ClientError:
        probe = root.get_role(RoleName="terraform-check-reader")["Role"]
    root.attach_role_policy(RoleName=probe["RoleName"], PolicyArn=reader_policy["arn"])
    s3 = client("s3")
    try:
        s3.create_bucket(Bucket="terraform-check-other-bucket")
    except ClientError:
        pass
    s3.put_object(Bucket="terraform-check-other-bucket", Key="events/probe", Body=b"{}\n")
    reader = assume(probe["Arn"], "reader", region)
    reader_s3 = client("s3", reader)
    bucket = stream.bucket
    if keys:
        checks.expect("reader", f"s3:GetObject of {keys[0]}", True, lambda: reader_s3.get_object(Bucket=bucket, Key=keys[0]))
    events_root = prefix_root(stream.prefix)
    checks.expect("reader", f"s3:ListBucket under {events_root}", True, lambda: reader_s3.list_objects_v2(Bucket=bucket, Prefix=events_root))
    if error_keys:
        checks.expect("reader", f"s3:GetObject of the error record {error_keys[0]}", False, lambda: reader_s3.get_object(Bucket=bucket, Key=error_keys[0]))
    errors_root = prefix_root(stream.error_prefix)
    if errors_root:
        checks.expect("reader", f"s3:ListBucket under {errors_root}", False, lambda: reader_s3.list_objects_v2(Bucket=bucket, Prefix=errors_root))
    checks.expect("reader", "s3:GetObject in another bucket", False, lambda: reader_s3.get_object(Bucket="terraform-check-other-bucket", Key="events/probe"))
    workgroups, named = state.get("aws_athena_workgroup", []), state.get("aws_athena_named_query", [])
    if workgroups and named:
        athena = client("athena", reader, region)
        workgroup, query = workgroups[0]["name"], named[0]
        checks.expect("reader", f"athena:GetNamedQuery {query['name']}", True, lambda: athena.get_named_query(NamedQueryId=query["id"]))
        checks.expect("reader", f"athena:StartQueryExecution in {workgroup}", True, lambda: athena.start_query_execution(QueryString=query["query"], WorkGroup=workgroup))
        checks.expect("reader", "athena:StartQueryExecution in the primary workgroup", False, lambda: athena.start_query_execution(QueryString="SELECT 1", WorkGroup="primary"))


if __name__ == "__main__":
    if len(sys.argv) < 5:
        sys.exit("usage: event-flow.py STATE_JSON OBJECTS_DIR OUT_JSON RECORDS_FILE...")
    sys.exit(0 if main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]) else 1)
