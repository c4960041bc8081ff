"""Sends events through what the organization profile applied, acting as SES does in each source
account and Region, and probes the lake bucket's policy with the emulator's policy evaluation.

Usage: AWS_ENDPOINT_URL=http://127.0.0.1:PORT python organization.py PROFILE_DIR OBJECTS_DIR OUT_JSON RECORDS_FILE...

PROFILE_DIR holds one folder per applied stack with its state.json (`terraform show -json`). The
lake stack is the one with the Glue table; each source stack has a delivery stream. The emulator
takes a 12-digit access key ID as the account of a request, so each call is made as the root of
the account it belongs to (or as a role assumed there).

For each source, as SES does: read its configuration set's event destinations (SESv2
GetConfigurationSetEventDestinations, as that account), assume each enabled Firehose destination's
IamRoleArn as ses.amazonaws.com acting for the configuration set (ministack-server.py's stand-in
for a service) and PutRecordBatch the records into its DeliveryStreamArn, each record's
mail.sendingAccountId and mail.sourceArn set to that account and Region (as SES writes them).
Firehose writes into the lake as the source's delivery role (ministack-server.py); each write it
was refused is a problem. Then, as the lake account: every object under events/ must sit under
events/account_id=<account>/region=<region>/ of a source, hold only records of that account and
Region, and each source's records must all be there once; nothing under errors/, and no bucket in
any source account. Read back into OBJECTS_DIR (under its key) for the saved queries.

Then the bucket policy, with probe roles (not part of the stacks):
- in each source account, a role with the applied delivery role's own policy: it writes under its
  own account and Region, and not under another source account's folder;
- in a source account, a role whose own policy allows s3:PutObject on the whole lake bucket: the
  bucket policy still lets it write only under its account's folders;
- in an account outside the lake's list, the same role: denied everywhere.
OUT_JSON: {"eventFlow": {...}, "iam": {...}}.
"""

import gzip
import json
import os
import sys
import time
import urllib.request

import boto3
from botocore.exceptions import ClientError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from state_records import read_records, resources  # noqa: E402 (beside this file)

DENIED = ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation")
SECRET = "mock-secret-not-a-real-key"
# An account that is neither the lake's nor a source's.
OUTSIDER = "444444444444"
# With the lake open to an organization: a member that is no source (the seed makes it one), and an
# account of another organization (made here).
MEMBER = "555555555555"
OTHER_MANAGEMENT, OTHER_MEMBER = "666666666666", "777777777777"


def client(name, account, region="us-east-1", credentials=None):
    """A client acting as `account`'s root, or with `credentials` of a role assumed there."""
    keys = (
        {"aws_access_key_id": account, "aws_secret_access_key": SECRET}
        if credentials is None
        else {
            "aws_access_key_id": credentials["AccessKeyId"],
            "aws_secret_access_key": credentials["SecretAccessKey"],
            "aws_session_token": credentials["SessionToken"],
        }
    )
    made = boto3.client(name, region_name=region, **keys)
    if name == "s3":
        # The lake bucket denies requests without TLS; the emulator speaks HTTP on loopback, so the
        # request says it came over HTTPS as a TLS-terminating proxy does (event-flow.py).
        made.meta.events.register("before-sign.s3", lambda request, **_: request.headers.__setitem__("X-Forwarded-Proto", "https"))
    return made


# The launcher's stand-in for a request made by a service, and its record of Firehose's writes (ministack-server.py).
SERVICE_HEADER = "x-terraform-check-service"
SOURCE_ARN_HEADER = "x-terraform-check-source-arn"
SOURCE_ACCOUNT_HEADER = "x-terraform-check-source-account"
DELIVERY_ERRORS_PATH = "/_terraform-check/delivery-errors"
# The eventType SES writes -> the event type a destination matches.
SES_EVENT_TYPES = {
    "Send": "SEND", "Reject": "REJECT", "Bounce": "BOUNCE", "Complaint": "COMPLAINT", "Delivery": "DELIVERY",
    "Open": "OPEN", "Click": "CLICK", "Rendering Failure": "RENDERING_FAILURE", "DeliveryDelay": "DELIVERY_DELAY",
    "Subscription": "SUBSCRIPTION",
}


def assume(account, role_arn, session, source_arn=None, service=None, region="us-east-1"):
    """AssumeRole as `account`'s root, or, with `service`, as that service acting for `source_arn` in `account`."""
    sts = client("sts", account, region)

    def headers(request, **_):
        if service:
            request.headers[SERVICE_HEADER] = service
            request.headers[SOURCE_ACCOUNT_HEADER] = account
        if source_arn:
            request.headers[SOURCE_ARN_HEADER] = source_arn

    sts.meta.events.register("before-sign.sts.AssumeRole", headers)
    return sts.assume_role(RoleArn=role_arn, RoleSessionName=session)["Credentials"]


def deliveries(method="GET"):
    request = urllib.request.Request(os.environ["AWS_ENDPOINT_URL"] + DELIVERY_ERRORS_PATH, method=method)
    return json.loads(urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=30).read() or b"{}")


def publish(problems, source, records):
    """SES's part in one source account and Region: the records through the applied Firehose destinations; the lines put."""
    account, region = source["account"], source["region"]
    set_name = source["state"]["aws_sesv2_configuration_set"][0]["configuration_set_name"]
    set_arn = f"arn:aws:ses:{region}:{account}:configuration-set/{set_name}"
    try:
        destinations = client("sesv2", account, region).get_configuration_set_event_destinations(ConfigurationSetName=set_name)["EventDestinations"]
    except ClientError as error:
        problems.append(f"{source['stack']}: reading the event destinations of {set_name}: {error.response['Error'].get('Code')}")
        return []
    firehose = [d for d in destinations if d.get("Enabled") and d.get("KinesisFirehoseDestination")]
    if len(firehose) != 1:
        problems.append(f"{source['stack']}: configuration set {set_name} has {len(firehose)} enabled Firehose event destinations, not 1")
        return []
    target = firehose[0]["KinesisFirehoseDestination"]
    role_arn, stream_arn = target["IamRoleArn"], target["DeliveryStreamArn"]
    try:
        ses = assume(account, role_arn, "ses-event-publishing", set_arn, "ses.amazonaws.com", region)
    except ClientError as error:
        problems.append(f"{source['stack']}: SES cannot assume {role_arn} for {set_arn}: {error.response['Error'].get('Code')}")
        return []
    # SES publishes through a destination only the event types it matches (SESv2 API Reference, EventType).
    matching = set(firehose[0].get("MatchingEventTypes", []))
    taken = [record for record in records if SES_EVENT_TYPES.get(record.get("eventType")) in matching]
    if len(taken) != len(records):
        problems.append(f"{source['stack']}: {len(records) - len(taken)} records of event types its destination does not match ({sorted(matching)})")
    lines = [(json.dumps(as_sent_from(record, account, region)) + "\n").encode() for record in taken]
    stream_name, stream_region = stream_arn.rsplit("/", 1)[-1], stream_arn.split(":")[3]
    answer = client("firehose", account, stream_region, ses).put_record_batch(DeliveryStreamName=stream_name, Records=[{"Data": line} for line in lines])
    if answer["FailedPutCount"]:
        problems.append(f"{source['stack']}: PutRecordBatch: {answer['FailedPutCount']} records failed")
    print(f"terraform-check:   events: {len(lines)} records through {firehose[0]['Name']} into {stream_name} ({account}, {region}) as {role_arn}", file=sys.stderr)
    return lines


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


def probe_role(account, name, policy):
    """A role in `account` its root may assume, with `policy` inline; its credentials."""
    iam = client("iam", account)
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"}]}
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    iam.put_role_policy(RoleName=name, PolicyName="probe", PolicyDocument=policy if isinstance(policy, str) else json.dumps(policy))
    return assume(account, role["Arn"], name)


def stacks(profile_dir):
    lake, sources = None, []
    for name in sorted(os.listdir(profile_dir)):
        path = os.path.join(profile_dir, name, "state.json")
        if not os.path.isfile(path):
            continue
        state = resources(json.load(open(path)))
        if "aws_glue_catalog_table" in state:
            lake = state
        elif "aws_kinesis_firehose_delivery_stream" in state:
            stream = state["aws_kinesis_firehose_delivery_stream"][0]
            _, _, _, region, account, _ = stream["arn"].split(":", 5)
            sources.append({"stack": name, "state": state, "stream": stream, "account": account, "region": region})
    if lake is None or not sources:
        raise SystemExit(f"organization.py: no lake stack and source stacks under {profile_dir}")
    return lake, sources


def lake_writers(lake):
    """Whom the lake's bucket policy lets write: "organization o-..." or "accounts A, B"."""
    policy = json.loads(lake["aws_s3_bucket_policy"][0]["policy"])
    statements = [s for s in policy["Statement"] if s.get("Effect") == "Allow" and "s3:PutObject" in json.dumps(s.get("Action"))]
    orgs = sorted({v for s in statements for v in [s.get("Condition", {}).get("StringEquals", {}).get("aws:PrincipalOrgID")] if v})
    if orgs:
        return f"organization {', '.join(orgs)}"
    accounts = sorted({a.split(":")[4] for s in statements for a in json.dumps(s.get("Principal", {})).split('"') if a.startswith("arn:aws:iam::")})
    return f"accounts {', '.join(accounts)}"


def as_sent_from(record, account, region):
    """The record as SES in `account` and `region` writes it."""
    copy = json.loads(json.dumps(record))
    mail = copy.setdefault("mail", {})
    mail["sendingAccountId"] = account
    source = mail.get("sourceArn", "arn:aws:ses:us-east-1:000000000000:identity/example.com").split(":")
    source[3], source[4] = region, account
    mail["sourceArn"] = ":".join(source)
    return copy


def main(profile_dir, objects_dir, out_file, record_files):
    lake, sources = stacks(profile_dir)
    bucket = lake["aws_s3_bucket"][0]["bucket"]
    lake_account = lake["aws_glue_catalog_database"][0]["catalog_id"]
    records = [record for path in record_files for record in read_records(path)]
    problems = []
    sent = {}

    deliveries("DELETE")
    for source in sources:
        lines = publish(problems, source, records)
        sent[(source["account"], source["region"])] = sorted(line.decode().rstrip("\n") for line in lines)
    seen = deliveries()
    for refused in seen["errors"]:
        problems.append(f"Firehose was refused {refused['object']} as {refused['role']}: {refused['errorCode']}: {refused['rule']}")
    for source in sources:
        # Every object of a source is Firehose's write as that source's delivery role, into the lake.
        role = source["stream"]["extended_s3_configuration"][0]["role_arn"]
        written = [w for w in seen["writes"] if w["role"] == role and w["object"].startswith(f"s3://{bucket}/")]
        if sent[(source["account"], source["region"])] and not written:
            problems.append(f"{source['stack']}: Firehose wrote nothing into s3://{bucket}/ as its delivery role {role}")

    s3 = client("s3", lake_account)
    listed = lambda prefix: [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix) for o in page.get("Contents", [])]
    deadline = time.time() + 30
    keys = listed("events/")
    while sum(len(v) for v in sent.values()) and not keys and time.time() < deadline:
        time.sleep(1)
        keys = listed("events/")
    landed = {}
    event_types = set()
    for key in keys:
        parts = key.split("/")
        scope = (parts[1].removeprefix("account_id="), parts[2].removeprefix("region=")) if len(parts) > 3 else None
        if scope not in sent or not parts[1].startswith("account_id=") or not parts[2].startswith("region="):
            problems.append(f"{key} is under no source's account and Region")
            continue
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        path = os.path.join(objects_dir, key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, "wb").write(body)
        for line in gzip.decompress(body).decode().splitlines():
            record = json.loads(line)
            if (record["mail"]["sendingAccountId"], record["mail"]["sourceArn"].split(":")[3]) != scope:
                problems.append(f"{key} holds a record of {record['mail']['sendingAccountId']} in {record['mail']['sourceArn'].split(':')[3]}")
            if not key.startswith(f"events/account_id={scope[0]}/region={scope[1]}/event_type={record['eventType']}/"):
                problems.append(f"{key} holds a {record['eventType']} record")
            landed.setdefault(scope, []).append(line)
            event_types.add(record["eventType"])
    for scope, lines in sent.items():
        if sorted(landed.get(scope, [])) != lines:
            problems.append(f"{scope[0]} in {scope[1]}: {len(landed.get(scope, []))} records landed under its folder, not the {len(lines)} put")
    errors = listed("errors/")
    if errors:
        problems.append(f"{len(errors)} objects under errors/, such as {errors[0]}")
    for account in sorted({s["account"] for s in sources}):
        owned = [b["Name"] for b in client("s3", account).list_buckets().get("Buckets", []) if b["Name"] != bucket]
        if owned:
            problems.append(f"source account {account} holds buckets {owned}: a source stack creates none")
    print(f"terraform-check:   events: {len(keys)} objects under s3://{bucket}/events/ from {', '.join(f'{a}/{r}' for a, r in sorted(landed))}", file=sys.stderr)
    for problem in problems:
        print(f"terraform-check:   events: PROBLEM: {problem}", file=sys.stderr)

    iam = Iam()
    body = b"{}\n"
    folder = lambda account, region: f"events/account_id={account}/region={region}/event_type=Send/year=2026/month=01/day=01/probe"
    for index, source in enumerate(sources):
        account, region = source["account"], source["region"]
        delivery_policy = next(p for p in source["state"]["aws_iam_role_policy"] if "s3:PutObject" in p["policy"])
        creds = probe_role(account, f"terraform-check-delivery-{index}", delivery_policy["policy"])
        role_s3 = client("s3", account, credentials=creds)
        who = f"{source['stack']} delivery policy"
        iam.expect(who, f"s3:PutObject under its own {account}/{region}", True, lambda: role_s3.put_object(Bucket=bucket, Key=folder(account, region), Body=body))
        for other in {s["account"] for s in sources} - {account}:
            iam.expect(who, f"s3:PutObject under {other}'s folder", False, lambda: role_s3.put_object(Bucket=bucket, Key=folder(other, region), Body=body))
        iam.expect(who, "s3:GetObject of another source's object" if keys else "s3:GetObject under events/", False,
                   lambda: role_s3.get_object(Bucket=bucket, Key=next((k for k in keys if f"account_id={account}/" not in k), "events/none")))

    broad = {"Version": "2012-10-17", "Statement": [{"Sid": "AnyLakeObject", "Effect": "Allow", "Action": ["s3:PutObject"], "Resource": [f"arn:aws:s3:::{bucket}/*"]}]}
    first = sources[0]
    others = sorted({s["account"] for s in sources} - {first["account"]})
    creds = probe_role(first["account"], "terraform-check-broad-writer", broad)
    broad_s3 = client("s3", first["account"], credentials=creds)
    who = f"{first['account']} role allowed s3:PutObject on the whole lake"
    iam.expect(who, "under its own account's folder", True, lambda: broad_s3.put_object(Bucket=bucket, Key=folder(first["account"], "ap-south-1"), Body=body))
    for other in others:
        iam.expect(who, f"under {other}'s folder", False, lambda: broad_s3.put_object(Bucket=bucket, Key=folder(other, first["region"]), Body=body))
    iam.expect(who, "at the root of the bucket", False, lambda: broad_s3.put_object(Bucket=bucket, Key="probe", Body=body))
    creds = probe_role(OUTSIDER, "terraform-check-outsider", broad)
    outsider_s3 = client("s3", OUTSIDER, credentials=creds)
    who = f"{OUTSIDER} (not a source) role allowed s3:PutObject on the whole lake"
    iam.expect(who, "under its own account's folder", False, lambda: outsider_s3.put_object(Bucket=bucket, Key=folder(OUTSIDER, "us-east-1"), Body=body))
    iam.expect(who, f"under {first['account']}'s folder", False, lambda: outsider_s3.put_object(Bucket=bucket, Key=folder(first["account"], "us-east-1"), Body=body))

    # Who the lake's bucket policy lets write: the organization (aws:PrincipalOrgID) or listed
    # accounts, as the profile's settings say.
    writers = lake_writers(lake)
    print(f"terraform-check:   lake: the bucket policy lets {writers} write", file=sys.stderr)
    organization_id = (json.load(open(os.path.join(profile_dir, "context.json"))).get("lake") or {}).get("organizationId")
    wanted = f"organization {organization_id}" if organization_id else f"accounts {', '.join(sorted({s['account'] for s in sources}))}"
    if writers != wanted:
        problems.append(f"the lake's bucket policy lets {writers} write; the profile's settings say {wanted}")
        print(f"terraform-check:   lake: PROBLEM: {problems[-1]}", file=sys.stderr)
    if organization_id:
        # Only the organization writes, each member under its own folder, a member that sends nothing too.
        creds = probe_role(MEMBER, "terraform-check-member", broad)
        member_s3 = client("s3", MEMBER, credentials=creds)
        who = f"{MEMBER} (a member of {organization_id}, no source) role allowed s3:PutObject on the whole lake"
        iam.expect(who, "under its own account's folder", True, lambda: member_s3.put_object(Bucket=bucket, Key=folder(MEMBER, "us-east-1"), Body=body))
        iam.expect(who, f"under {first['account']}'s folder", False, lambda: member_s3.put_object(Bucket=bucket, Key=folder(first["account"], "us-east-1"), Body=body))
        handshake = client("organizations", OTHER_MANAGEMENT).invite_account_to_organization(Target={"Type": "ACCOUNT", "Id": OTHER_MEMBER})["Handshake"]
        client("organizations", OTHER_MEMBER).accept_handshake(HandshakeId=handshake["Id"])
        creds = probe_role(OTHER_MEMBER, "terraform-check-other-organization", broad)
        other_s3 = client("s3", OTHER_MEMBER, credentials=creds)
        who = f"{OTHER_MEMBER} (a member of another organization) role allowed s3:PutObject on the whole lake"
        iam.expect(who, "under its own account's folder", False, lambda: other_s3.put_object(Bucket=bucket, Key=folder(OTHER_MEMBER, "us-east-1"), Body=body))

    result = {
        "lakeWriters": writers,
        "eventFlow": {
            "recordsPut": sum(len(v) for v in sent.values()),
            "objectsWritten": len(keys),
            "eventTypesLanded": sorted(event_types),
            "accountsLanded": sorted({account for account, _ in landed}),
            "regionsLanded": sorted({region for _, region in landed}),
            "scopesLanded": [f"{a}/{r}" for a, r in sorted(landed)],
            "problems": problems,
        },
        "iam": {"allowedAsExpected": iam.allowed, "deniedAsExpected": iam.denied, "unexpected": iam.unexpected},
    }
    json.dump(result, open(out_file, "w"), indent=2)
    return not problems and not iam.unexpected


if __name__ == "__main__":
    if len(sys.argv) < 5:
        sys.exit("usage: organization.py PROFILE_DIR OBJECTS_DIR OUT_JSON RECORDS_FILE...")
    sys.exit(0 if main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]) else 1)
