"""Sends events through what the default profile applied, acting as SES does, and probes the
applied IAM policies with the emulator's policy evaluation (ministack AUTH=true).

Usage: AWS_ENDPOINT_URL=http://127.0.0.1:PORT python event-flow.py STATE_JSON OBJECTS_DIR OUT_JSON RECORDS_FILE...

STATE_JSON is `terraform show -json` of the applied state. As SES does, the script assumes the
applied SES role (STS) and puts the records (SES writes each as one JSON object and a newline)
with PutRecordBatch into the applied stream. The emulator's Firehose delivers them into the
applied bucket; the script lists the objects under the applied prefix, reads each back into
OBJECTS_DIR (under its key) and checks that each event type landed in its own partition, GZIP,
one record per line. Then the IAM expectations: what the SES role and the reader policy may and
may not do. OUT_JSON: {"eventFlow": {...}, "iam": {...}} as summary.json has them.
"""

import base64
import gzip
import json
import os
import sys

import boto3
from botocore.exceptions import ClientError

import parquet_objects

REGION = "us-east-1"
DENIED = ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation")


def read_records(path):
    """A JSON list of records, or JSON Lines (one record a line)."""
    text = open(path).read()
    if path.endswith(".jsonl"):
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return json.loads(text)


def resources(state):
    found = {}
    for resource in state["values"]["root_module"].get("resources", []):
        found.setdefault(resource["type"], []).append(resource["values"])
    return found


def client(name, credentials=None):
    if credentials is None:
        return boto3.client(name, region_name=REGION)
    made = boto3.client(
        name,
        region_name=REGION,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    if name == "s3":
        # The bucket policy denies every request without TLS (aws:SecureTransport), as AWS would
        # evaluate it; the emulator speaks HTTP on loopback, so the request says it came over
        # HTTPS the way a TLS-terminating proxy does (ministack reads X-Forwarded-Proto).
        made.meta.events.register("before-sign.s3", lambda request, **_: request.headers.__setitem__("X-Forwarded-Proto", "https"))
    return made


def assume(role_arn, session, source_arn=None):
    sts = client("sts")
    if source_arn:
        # The condition keys SES sets when it assumes the role (ministack-server.py).
        sts.meta.events.register("before-sign.sts.AssumeRole", lambda request, **_: request.headers.__setitem__("x-terraform-check-source-arn", source_arn))
    return sts.assume_role(RoleArn=role_arn, RoleSessionName=session)["Credentials"]


class Iam:
    def __init__(self):
        self.allowed = 0
        self.denied = 0
        self.unexpected = []

    def expect(self, who, what, allowed, call):
        try:
            call()
            outcome = "allowed"
        except ClientError as error:
            code = error.response["Error"]["Code"]
            outcome = "denied" if code in DENIED or error.response["ResponseMetadata"]["HTTPStatusCode"] == 403 else f"allowed ({code})"
        ok = outcome.startswith("allowed") == allowed
        print(f"terraform-check:   iam: {who} {what}: {outcome} ({'as expected' if ok else 'UNEXPECTED'})", file=sys.stderr)
        if not ok:
            self.unexpected.append(f"{who} {what}: {outcome}, expected {'allowed' if allowed else 'denied'}")
        elif allowed:
            self.allowed += 1
        else:
            self.denied += 1


def main(state_file, objects_dir, out_file, record_files):
    state = resources(json.load(open(state_file)))
    stream = state["aws_kinesis_firehose_delivery_stream"][0]
    s3_config = stream["extended_s3_configuration"][0]
    bucket = s3_config["bucket_arn"].split(":::")[1]
    # The fixed folder above the first partition (events/ of events/event_type=!{...}/...).
    prefix_root = s3_config["prefix"].split("!{")[0].rsplit("/", 1)[0] + "/"
    ses_role = next(r for r in state["aws_iam_role"] if "ses.amazonaws.com" in r["assume_role_policy"])
    records = [record for path in record_files for record in read_records(path)]
    problems = []

    # The set's ARN as SES gives it (the state's has no account: the provider skips the lookup).
    account = ses_role["arn"].split(":")[4]
    configuration_set = f"arn:aws:ses:{REGION}:{account}:configuration-set/{state['aws_sesv2_configuration_set'][0]['configuration_set_name']}"
    ses = assume(ses_role["arn"], "ses-event-publishing", configuration_set)
    lines = [(json.dumps(record) + "\n").encode() for record in records]
    answer = client("firehose", ses).put_record_batch(
        DeliveryStreamName=stream["name"], Records=[{"Data": line} for line in lines]
    )
    if answer["FailedPutCount"]:
        problems.append(f"PutRecordBatch: {answer['FailedPutCount']} records failed")
    print(f"terraform-check:   events: {len(lines)} records put into {stream['name']} as {ses_role['arn']}", file=sys.stderr)

    s3 = client("s3")
    keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix_root) for o in page.get("Contents", [])]
    landed = {}
    read_back = []
    parquet = parquet_objects.converts(s3_config)
    for key in keys:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        if parquet:
            # Record format conversion: each object is Parquet, its rows the records put, by type.
            if not parquet_objects.is_parquet(body):
                problems.append(f"{key} is not Parquet")
                continue
            path = os.path.join(objects_dir, key)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            open(path, "wb").write(body)
            for row in parquet_objects.rows(body):
                read_back.append(row["eventtype"])
                landed.setdefault(row["eventtype"], set()).add(key[len(prefix_root):].split("/")[0])
            continue
        try:
            text = gzip.decompress(body).decode()
        except OSError:
            problems.append(f"{key} is not GZIP")
            continue
        path = os.path.join(objects_dir, key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, "wb").write(body)
        if not text.endswith("\n"):
            problems.append(f"{key} does not end with a newline")
        for line in text.splitlines():
            record = json.loads(line)
            read_back.append(line)
            partition = key[len(prefix_root):].split("/")[0]
            landed.setdefault(record["eventType"], set()).add(partition)
    for event_type, partitions in sorted(landed.items()):
        if partitions != {f"event_type={event_type}"} or list(landed.values()).count(partitions) != 1:
            problems.append(f"{event_type} landed in {sorted(partitions)}, not in event_type={event_type}")
    put = sorted(record["eventType"] for record in records) if parquet else sorted(line.decode().rstrip("\n") for line in lines)
    if sorted(read_back) != put:
        problems.append(f"read back {len(read_back)} records, not the {len(lines)} put, one per line")
    print(f"terraform-check:   events: {len(keys)} objects under s3://{bucket}/{prefix_root}: {', '.join(sorted(landed))}", file=sys.stderr)
    for problem in problems:
        print(f"terraform-check:   events: PROBLEM: {problem}", file=sys.stderr)

    iam = Iam()
    firehose = client("firehose", ses)
    data = [{"Data": lines[0]}]
    iam.expect("SES role", f"firehose:PutRecordBatch into {stream['name']}", True, lambda: firehose.put_record_batch(DeliveryStreamName=stream["name"], Records=data))
    iam.expect("SES role", f"firehose:PutRecord into {stream['name']}", False, lambda: firehose.put_record(DeliveryStreamName=stream["name"], Record=data[0]))
    other = stream["name"] + "-other"
    iam.expect("SES role", f"firehose:PutRecordBatch into {other}", False, lambda: firehose.put_record_batch(DeliveryStreamName=other, Records=data))
    iam.expect("SES role", f"s3:GetObject of {keys[0] if keys else '?'}", False, lambda: client("s3", ses).get_object(Bucket=bucket, Key=keys[0]))

    # The reader policy, attached to a role the account's root may assume (a probe, not part of the stack).
    root = client("iam")
    reader_policy = state["aws_iam_policy"][0]
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]}
    probe = root.create_role(RoleName="terraform-check-reader", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    root.attach_role_policy(RoleName=probe["RoleName"], PolicyArn=reader_policy["arn"])
    error_key = "errors/processing-failed/year=2026/month=01/day=01/probe"
    s3.put_object(Bucket=bucket, Key=error_key, Body=b"{}\n")
    s3.create_bucket(Bucket="terraform-check-other-bucket")
    s3.put_object(Bucket="terraform-check-other-bucket", Key="events/probe", Body=b"{}\n")
    reader = assume(probe["Arn"], "reader")
    reader_s3 = client("s3", reader)
    athena = client("athena", reader)
    workgroup = state["aws_athena_workgroup"][0]["name"]
    named = state["aws_athena_named_query"][0]
    if keys:
        iam.expect("reader", f"s3:GetObject of {keys[0]}", True, lambda: reader_s3.get_object(Bucket=bucket, Key=keys[0]))
    iam.expect("reader", "s3:ListBucket under events/", True, lambda: reader_s3.list_objects_v2(Bucket=bucket, Prefix="events/"))
    iam.expect("reader", f"athena:GetNamedQuery {named['name']}", True, lambda: athena.get_named_query(NamedQueryId=named["id"]))
    iam.expect("reader", f"athena:StartQueryExecution in {workgroup}", True, lambda: athena.start_query_execution(QueryString=named["query"], WorkGroup=workgroup))
    iam.expect("reader", f"s3:GetObject of {error_key}", False, lambda: reader_s3.get_object(Bucket=bucket, Key=error_key))
    iam.expect("reader", "s3:ListBucket under errors/", False, lambda: reader_s3.list_objects_v2(Bucket=bucket, Prefix="errors/"))
    iam.expect("reader", "s3:GetObject in another bucket", False, lambda: reader_s3.get_object(Bucket="terraform-check-other-bucket", Key="events/probe"))
    iam.expect("reader", "athena:StartQueryExecution in the primary workgroup", False, lambda: athena.start_query_execution(QueryString="SELECT 1", WorkGroup="primary"))

    result = {
        "eventFlow": {
            "recordsPut": len(lines) - answer["FailedPutCount"],
            "objectsWritten": len(keys),
            "eventTypesLanded": sorted(landed),
            "problems": problems,
        },
        "iam": {"allowedAsExpected": iam.allowed, "deniedAsExpected": iam.denied, "unexpected": iam.unexpected},
    }
    json.dump(result, open(out_file, "w"), indent=2)
    return not problems and not iam.unexpected


if __name__ == "__main__":
    if len(sys.argv) < 5:
        sys.exit("usage: event-flow.py STATE_JSON OBJECTS_DIR OUT_JSON RECORDS_FILE...")
    sys.exit(0 if main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]) else 1)
