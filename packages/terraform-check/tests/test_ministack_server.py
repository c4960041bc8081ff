"""The launcher's corrections (ministack-server.py), each against the AWS behaviour it follows."""

import base64
import gzip
import importlib.util
import json
import os
import unittest
import urllib.request
import uuid

import boto3
from botocore.exceptions import ClientError

from emulator import ACCOUNT, Emulator

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("ministack_server", os.path.join(HERE, "..", "ministack-server.py"))
server = importlib.util.module_from_spec(spec)
spec.loader.exec_module(server)

REGION = "us-east-1"
EMULATOR = None


def setUpModule():
    global EMULATOR
    EMULATOR = Emulator()


def tearDownModule():
    EMULATOR.stop()


def client(name, credentials=None, region=REGION):
    keys = {}
    if credentials:
        keys = {"aws_access_key_id": credentials["AccessKeyId"], "aws_secret_access_key": credentials["SecretAccessKey"], "aws_session_token": credentials["SessionToken"]}
    made = boto3.client(name, region_name=region, **keys)
    if name == "s3":
        made.meta.events.register("before-sign.s3", lambda request, **_: request.headers.__setitem__("X-Forwarded-Proto", "https"))
    return made


def deliveries(clear=False):
    request = urllib.request.Request(f"{EMULATOR.url}{server.DELIVERY_ERRORS_PATH}", method="DELETE" if clear else "GET")
    return json.loads(urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request).read())


def cbor_call(action, payload):
    """A CloudWatch call over smithy-rpcv2-cbor (the protocol of the provider's client), signed as the account's root."""
    import cbor2
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(method="POST", url=f"{EMULATOR.url}/service/GraniteServiceVersion20100801/operation/{action}", data=cbor2.dumps(payload), headers={
        "Content-Type": "application/cbor", "Accept": "application/cbor", "smithy-protocol": "rpc-v2-cbor"})
    SigV4Auth(Credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"]), "monitoring", REGION).add_auth(request)
    prepared = request.prepare()
    sent = urllib.request.Request(prepared.url, data=prepared.body, headers=dict(prepared.headers), method="POST")
    return cbor2.loads(urllib.request.build_opener(urllib.request.ProxyHandler({})).open(sent).read() or cbor2.dumps({}))


def trust(service, condition=None):
    statement = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def assume_as(role_arn, service, source_arn=None, source_account=None, external_id=None):
    sts = client("sts")

    def headers(request, **_):
        request.headers[server.SERVICE_HEADER] = service
        if source_arn:
            request.headers[server.SOURCE_ARN_HEADER] = source_arn
        if source_account:
            request.headers[server.SOURCE_ACCOUNT_HEADER] = source_account

    sts.meta.events.register("before-sign.sts.AssumeRole", headers)
    extra = {"ExternalId": external_id} if external_id else {}
    return sts.assume_role(RoleArn=role_arn, RoleSessionName="probe", **extra)["Credentials"]


class Pipeline:
    """A bucket, a delivery role and a stream partitioned by event type, as the stacks make them."""

    def __init__(self, role_policy=None, bucket_policy=None, role_trust=None, encryption=None, logging=True):
        self.name = "t" + uuid.uuid4().hex[:10]
        self.bucket = self.name + "-events"
        iam, s3, logs = client("iam"), client("s3"), client("logs")
        s3.create_bucket(Bucket=self.bucket)
        if encryption:
            s3.put_bucket_encryption(Bucket=self.bucket, ServerSideEncryptionConfiguration={"Rules": [encryption]})
        bucket_arn = f"arn:aws:s3:::{self.bucket}"
        self.group, self.log_stream = f"/aws/kinesisfirehose/{self.name}", "DestinationDelivery"
        logs.create_log_group(logGroupName=self.group)
        logs.create_log_stream(logGroupName=self.group, logStreamName=self.log_stream)
        role = iam.create_role(RoleName=self.name + "-firehose", AssumeRolePolicyDocument=role_trust or trust("firehose.amazonaws.com", {"StringEquals": {"sts:ExternalId": ACCOUNT}}))["Role"]
        self.role_arn = role["Arn"]
        log_stream_arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{self.group}:log-stream:{self.log_stream}"
        iam.put_role_policy(RoleName=role["RoleName"], PolicyName="deliver", PolicyDocument=role_policy or policy(
            {"Sid": "WriteEventObjects", "Effect": "Allow", "Action": ["s3:GetBucketLocation", "s3:ListBucket", "s3:PutObject", "s3:GetObject"], "Resource": [bucket_arn, bucket_arn + "/*"]},
            {"Sid": "WriteDeliveryErrorLogs", "Effect": "Allow", "Action": ["logs:PutLogEvents"], "Resource": [log_stream_arn]},
        ))
        if bucket_policy:
            s3.put_bucket_policy(Bucket=self.bucket, Policy=bucket_policy(self))
        destination = {
            "RoleARN": self.role_arn, "BucketARN": bucket_arn, "CompressionFormat": "GZIP",
            "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 300},
            "Prefix": "events/event_type=!{partitionKeyFromQuery:event_type}/",
            "ErrorOutputPrefix": "errors/!{firehose:error-output-type}/",
            "DynamicPartitioningConfiguration": {"Enabled": True},
            "ProcessingConfiguration": {"Enabled": True, "Processors": [{"Type": "MetadataExtraction", "Parameters": [
                {"ParameterName": "MetadataExtractionQuery", "ParameterValue": "{event_type: .eventType}"},
                {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"}]}]},
            "CloudWatchLoggingOptions": {"Enabled": logging, "LogGroupName": self.group, "LogStreamName": self.log_stream},
        }
        client("firehose").create_delivery_stream(DeliveryStreamName=self.name, DeliveryStreamType="DirectPut", ExtendedS3DestinationConfiguration=destination)
        deliveries(clear=True)

    def put(self, *records):
        lines = [{"Data": (json.dumps(r) + "\n").encode()} for r in records]
        return client("firehose").put_record_batch(DeliveryStreamName=self.name, Records=lines)

    def keys(self):
        answer = client("s3").list_objects_v2(Bucket=self.bucket)
        return sorted(o["Key"] for o in answer.get("Contents", []))

    def log_events(self):
        events = client("logs").get_log_events(logGroupName=self.group, logStreamName=self.log_stream)["events"]
        return [json.loads(e["message"]) for e in events]


class FirehoseDeliveryTest(unittest.TestCase):
    def test_writes_as_the_delivery_role_when_its_policy_allows(self):
        pipeline = Pipeline()
        pipeline.put({"eventType": "Send"}, {"eventType": "Bounce"})
        keys = pipeline.keys()
        self.assertEqual([k.split("/")[1] for k in keys], ["event_type=Bounce", "event_type=Send"])
        body = client("s3").get_object(Bucket=pipeline.bucket, Key=keys[1])["Body"].read()
        self.assertEqual(gzip.decompress(body), b'{"eventType": "Send"}\n')
        seen = deliveries()
        self.assertEqual(seen["errors"], [])
        self.assertEqual(sorted(w["object"] for w in seen["writes"]), sorted(f"s3://{pipeline.bucket}/{k}" for k in keys))
        self.assertTrue(all(w["role"] == pipeline.role_arn for w in seen["writes"]))

    def test_refuses_a_write_the_role_policy_does_not_allow_and_logs_it(self):
        pipeline = Pipeline(role_policy=policy(
            {"Effect": "Allow", "Action": ["s3:GetObject", "logs:PutLogEvents"], "Resource": "*"}))
        pipeline.put({"eventType": "Send"})
        self.assertEqual(pipeline.keys(), [])
        [error] = deliveries()["errors"]
        self.assertEqual(error["errorCode"], "S3.AccessDenied")
        self.assertEqual(error["role"], pipeline.role_arn)
        self.assertIn(f"s3:PutObject on arn:aws:s3:::{pipeline.bucket}/events/event_type=Send/", error["rule"])
        self.assertIn("implicit deny", error["rule"])
        [event] = pipeline.log_events()
        self.assertEqual(event["errorCode"], "S3.AccessDenied")
        self.assertEqual(event["destination"], f"arn:aws:s3:::{pipeline.bucket}")

    def test_refuses_a_write_the_bucket_policy_denies_naming_its_statement(self):
        pipeline = Pipeline(bucket_policy=lambda p: policy({
            "Sid": "DenyDeliveryRole", "Effect": "Deny", "Principal": {"AWS": p.role_arn}, "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{p.bucket}/*"}))
        pipeline.put({"eventType": "Send"})
        self.assertEqual(pipeline.keys(), [])
        [error] = deliveries()["errors"]
        self.assertIn(f"explicitly denied to arn:aws:sts::{ACCOUNT}:assumed-role/{pipeline.name}-firehose/firehose-delivery", error["rule"])
        self.assertIn("(statement DenyDeliveryRole)", error["rule"])

    def test_refuses_every_write_when_firehose_cannot_assume_the_role(self):
        pipeline = Pipeline(role_trust=trust("ses.amazonaws.com"))
        pipeline.put({"eventType": "Send"})
        self.assertEqual(pipeline.keys(), [])
        errors = deliveries()["errors"]
        self.assertEqual(errors[0]["rule"], f"sts:AssumeRole of {pipeline.role_arn} refused to firehose.amazonaws.com: its trust policy does not let firehose.amazonaws.com assume it with sts:ExternalId {ACCOUNT}")
        # The log event is written as the role too, so it is refused as well, and named.
        self.assertEqual(errors[1]["object"], "delivery-error log")

    def test_requires_the_external_id_condition_to_hold(self):
        pipeline = Pipeline(role_trust=trust("firehose.amazonaws.com", {"StringEquals": {"sts:ExternalId": "111122223333"}}))
        pipeline.put({"eventType": "Send"})
        self.assertEqual(pipeline.keys(), [])
        self.assertIn("sts:AssumeRole", deliveries()["errors"][0]["rule"])

    def test_writes_error_output_as_the_role_and_logs_the_error(self):
        pipeline = Pipeline()
        pipeline.put({"notAnEvent": True})
        [key] = pipeline.keys()
        self.assertTrue(key.startswith("errors/processing-failed/"), key)
        seen = deliveries()
        self.assertEqual([w["errorOutput"] for w in seen["writes"]], [True])
        [event] = pipeline.log_events()
        self.assertEqual(event["errorCode"], "DynamicPartitioning.MetadataExtractionFailed")

    def test_a_denied_log_write_is_named(self):
        pipeline = Pipeline()
        # The role may write objects, not logs.
        writes = {"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{pipeline.bucket}/*"}
        client("iam").put_role_policy(RoleName=pipeline.name + "-firehose", PolicyName="deliver", PolicyDocument=policy(writes))
        pipeline.put({"notAnEvent": True})
        [error] = deliveries()["errors"]
        self.assertEqual(error["object"], "delivery-error log")
        self.assertIn("logs:PutLogEvents on arn:aws:logs:", error["rule"])
        self.assertEqual(pipeline.log_events(), [])


class KmsTest(unittest.TestCase):
    def key(self, *statements):
        root = {"Sid": "EnableIamPolicies", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"}
        return client("kms").create_key(Policy=policy(root, *statements))["KeyMetadata"]["Arn"]

    def encrypted_pipeline(self, key_arn, allow_key):
        statements = []
        pipeline = Pipeline(encryption={"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn}, "BucketKeyEnabled": True})
        bucket_arn = f"arn:aws:s3:::{pipeline.bucket}"
        statements.append({"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": [bucket_arn + "/*"]})
        statements.append({"Effect": "Allow", "Action": ["logs:PutLogEvents"], "Resource": "*"})
        if allow_key:
            statements.append({"Sid": "UseKeyThroughS3", "Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": [key_arn],
                               "Condition": {"StringEquals": {"kms:ViaService": f"s3.{REGION}.amazonaws.com"}, "StringLike": {"kms:EncryptionContext:aws:s3:arn": bucket_arn}}})
        client("iam").put_role_policy(RoleName=pipeline.name + "-firehose", PolicyName="deliver", PolicyDocument=policy(*statements))
        return pipeline

    def test_writes_through_s3_with_a_key_the_role_may_use(self):
        pipeline = self.encrypted_pipeline(self.key(), allow_key=True)
        pipeline.put({"eventType": "Send"})
        self.assertEqual(len(pipeline.keys()), 1)
        self.assertEqual(deliveries()["errors"], [])

    def test_refuses_a_write_when_the_role_may_not_use_the_key(self):
        pipeline = self.encrypted_pipeline(self.key(), allow_key=False)
        pipeline.put({"eventType": "Send"})
        self.assertEqual(pipeline.keys(), [])
        [error] = deliveries()["errors"]
        self.assertEqual(error["errorCode"], "S3.KMS.AccessDeniedException")
        self.assertIn(f"kms:GenerateDataKey (via S3, encryption context aws:s3:arn arn:aws:s3:::{pipeline.bucket})", error["rule"])

    def test_refuses_a_write_when_the_key_policy_does_not_delegate_to_iam(self):
        key_arn = client("kms").create_key(Policy=policy({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/admin"}, "Action": "kms:*", "Resource": "*"}))["KeyMetadata"]["Arn"]
        pipeline = self.encrypted_pipeline(key_arn, allow_key=True)
        pipeline.put({"eventType": "Send"})
        self.assertEqual(pipeline.keys(), [])
        self.assertEqual(deliveries()["errors"][0]["errorCode"], "S3.KMS.AccessDeniedException")

    def test_refuses_a_write_when_the_key_does_not_exist(self):
        missing = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/00000000-0000-0000-0000-000000000000"
        pipeline = self.encrypted_pipeline(missing, allow_key=True)
        pipeline.put({"eventType": "Send"})
        self.assertEqual(deliveries()["errors"][0]["errorCode"], "S3.KMS.NotFoundException")

    def logs_statement(self, service=f"logs.{REGION}.amazonaws.com"):
        return {"Sid": "AllowCloudWatchLogs", "Effect": "Allow", "Principal": {"Service": service},
                "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"], "Resource": "*",
                "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:*"}}}

    def test_associate_kms_key_accepts_a_key_whose_policy_lets_cloudwatch_logs_use_it(self):
        logs = client("logs")
        key_arn = self.key(self.logs_statement())
        group = "/t/" + uuid.uuid4().hex
        logs.create_log_group(logGroupName=group)
        logs.associate_kms_key(logGroupName=group, kmsKeyId=key_arn)
        [described] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
        self.assertEqual(described["kmsKeyId"], key_arn)

    def test_associate_kms_key_refuses_a_key_whose_policy_leaves_out_cloudwatch_logs(self):
        logs = client("logs")
        key_arn = self.key(self.logs_statement(service="cloudwatch.amazonaws.com"))
        group = "/t/" + uuid.uuid4().hex
        logs.create_log_group(logGroupName=group)
        with self.assertRaises(ClientError) as refused:
            logs.associate_kms_key(logGroupName=group, kmsKeyId=key_arn)
        self.assertEqual(refused.exception.response["Error"]["Code"], "AccessDeniedException")
        self.assertIn(f"is not allowed to be used with Arn 'arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}'", str(refused.exception))
        self.assertIn(f"logs.{REGION}.amazonaws.com kms:Encrypt", str(refused.exception))

    def test_associate_kms_key_refuses_a_key_that_does_not_exist(self):
        logs = client("logs")
        group = "/t/" + uuid.uuid4().hex
        logs.create_log_group(logGroupName=group)
        missing = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        with self.assertRaises(ClientError) as refused:
            logs.associate_kms_key(logGroupName=group, kmsKeyId=missing)
        self.assertIn(f"key {missing} does not exist", str(refused.exception))

    def test_create_log_group_refuses_a_key_cloudwatch_logs_may_not_use(self):
        with self.assertRaises(ClientError) as refused:
            client("logs").create_log_group(logGroupName="/t/" + uuid.uuid4().hex, kmsKeyId=self.key())
        self.assertEqual(refused.exception.response["Error"]["Code"], "AccessDeniedException")


class ServicePrincipalTest(unittest.TestCase):
    SET_ARN = f"arn:aws:ses:{REGION}:{ACCOUNT}:configuration-set/ses-events"

    def setUp(self):
        condition = {"StringEquals": {"AWS:SourceAccount": ACCOUNT, "AWS:SourceArn": self.SET_ARN}}
        self.role_arn = client("iam").create_role(RoleName="s" + uuid.uuid4().hex[:10], AssumeRolePolicyDocument=trust("ses.amazonaws.com", condition))["Role"]["Arn"]

    def assert_refused(self, call):
        with self.assertRaises(ClientError) as refused:
            call()
        self.assertEqual(refused.exception.response["Error"]["Code"], "AccessDenied")

    def test_ses_acting_for_the_configuration_set_assumes_the_role(self):
        credentials = assume_as(self.role_arn, "ses.amazonaws.com", self.SET_ARN, ACCOUNT)
        self.assertTrue(credentials["AccessKeyId"])

    def test_the_account_root_is_not_the_service(self):
        self.assert_refused(lambda: client("sts").assume_role(RoleArn=self.role_arn, RoleSessionName="root"))

    def test_another_service_is_refused(self):
        self.assert_refused(lambda: assume_as(self.role_arn, "firehose.amazonaws.com", self.SET_ARN, ACCOUNT))

    def test_ses_acting_for_another_account_is_refused(self):
        other = self.SET_ARN.replace(ACCOUNT, "111122223333")
        self.assert_refused(lambda: assume_as(self.role_arn, "ses.amazonaws.com", other, "111122223333"))

    def test_ses_acting_for_another_configuration_set_is_refused(self):
        self.assert_refused(lambda: assume_as(self.role_arn, "ses.amazonaws.com", self.SET_ARN + "-other", ACCOUNT))

    def test_ses_without_source_context_is_refused(self):
        self.assert_refused(lambda: assume_as(self.role_arn, "ses.amazonaws.com"))


class AccountInArnsTest(unittest.TestCase):
    def test_fills_the_account_into_the_resource_arn_of_a_tagging_call(self):
        body = json.dumps({"ResourceARN": "arn:aws:athena:us-east-1::workgroup/w"}).encode()
        _, fixed = server.fill_account("POST", "/", "AmazonAthena.ListTagsForResource", b"", body)
        self.assertEqual(json.loads(fixed), {"ResourceARN": f"arn:aws:athena:us-east-1:{ACCOUNT}:workgroup/w"})

    def test_fills_the_account_into_the_sesv2_tags_query(self):
        query, _ = server.fill_account("GET", "/v2/email/tags", "", b"ResourceArn=arn%3Aaws%3Ases%3Aeu-west-1%3A%3Aconfiguration-set%2Fs", b"")
        self.assertEqual(query, f"ResourceArn=arn%3Aaws%3Ases%3Aeu-west-1%3A{ACCOUNT}%3Aconfiguration-set%2Fs".encode())

    def test_leaves_policy_documents_as_sent(self):
        document = json.dumps({"Statement": [{"Effect": "Allow", "Action": "firehose:PutRecordBatch", "Resource": "arn:aws:firehose:us-east-1::deliverystream/s"}]})
        body = f"Action=PutRolePolicy&PolicyDocument={document}".encode()
        self.assertEqual(server.fill_account("POST", "/", "", b"", body), (b"", body))
        glue = json.dumps({"Name": "t", "Parameters": {"x": "arn:aws:glue:us-east-1::table/d/t"}}).encode()
        self.assertEqual(server.fill_account("POST", "/", "AWSGlue.UpdateTable", b"", glue)[1], glue)

    def test_leaves_global_and_complete_arns_alone(self):
        self.assertEqual(server.with_account("arn:aws:s3:::bucket"), "arn:aws:s3:::bucket")
        self.assertEqual(server.with_account("arn:aws:iam::111122223333:role/r"), "arn:aws:iam::111122223333:role/r")
        self.assertEqual(server.with_account("arn:aws:glue:eu-west-1:111122223333:database/d"), "arn:aws:glue:eu-west-1:111122223333:database/d")

    def test_a_policy_with_an_account_less_arn_is_evaluated_as_written(self):
        iam = client("iam")
        name = "a" + uuid.uuid4().hex[:10]
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]}))
        broken = policy({"Effect": "Allow", "Action": "firehose:PutRecordBatch", "Resource": f"arn:aws:firehose:{REGION}::deliverystream/{name}"})
        iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=broken)
        self.assertEqual(json.dumps(iam.get_role_policy(RoleName=name, PolicyName="p")["PolicyDocument"]), broken)
        client("firehose").create_delivery_stream(DeliveryStreamName=name, ExtendedS3DestinationConfiguration={"RoleARN": f"arn:aws:iam::{ACCOUNT}:role/{name}", "BucketARN": "arn:aws:s3:::nowhere"})
        credentials = client("sts").assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/{name}", RoleSessionName="probe")["Credentials"]
        with self.assertRaises(ClientError) as refused:
            client("firehose", credentials).put_record_batch(DeliveryStreamName=name, Records=[{"Data": b"{}"}])
        self.assertIn(refused.exception.response["Error"]["Code"], ("AccessDeniedException", "AccessDenied"))

    def test_tags_of_an_athena_workgroup_read_through_an_account_less_arn(self):
        athena = client("athena")
        name = "w" + uuid.uuid4().hex[:10]
        athena.create_work_group(Name=name, Tags=[{"Key": "Application", "Value": "ses-events"}])
        tags = athena.list_tags_for_resource(ResourceARN=f"arn:aws:athena:{REGION}::workgroup/{name}")["Tags"]
        self.assertEqual(tags, [{"Key": "Application", "Value": "ses-events"}])


class CallersAccountTest(unittest.TestCase):
    """Correction 1 for a caller of another account (each stack of the organization profile is applied as its own)."""

    def test_reads_the_account_of_a_12_digit_access_key_id(self):
        headers = [(b"Authorization", b"AWS4-HMAC-SHA256 Credential=222222222222/20260101/us-east-1/athena/aws4_request, SignedHeaders=host")]
        self.assertEqual(server.request_account(headers), "222222222222")
        other = [(b"authorization", b"AWS4-HMAC-SHA256 Credential=AKIAMOCKMOCKMOCKMOCK/20260101/us-east-1/athena/aws4_request")]
        self.assertEqual(server.request_account(other), ACCOUNT)
        self.assertEqual(server.request_account([]), ACCOUNT)

    def test_fills_the_callers_account(self):
        body = json.dumps({"ResourceArn": "arn:aws:glue:eu-west-1::database/d"}).encode()
        _, fixed = server.fill_account("POST", "/", "AWSGlue.GetTags", b"", body, "222222222222")
        self.assertEqual(json.loads(fixed), {"ResourceArn": "arn:aws:glue:eu-west-1:222222222222:database/d"})

    def test_tags_of_another_accounts_workgroup_read_through_an_account_less_arn(self):
        athena = account_client("athena", "222222222222")
        name = "w" + uuid.uuid4().hex[:10]
        athena.create_work_group(Name=name, Tags=[{"Key": "Application", "Value": "lake"}])
        tags = athena.list_tags_for_resource(ResourceARN=f"arn:aws:athena:{REGION}::workgroup/{name}")["Tags"]
        self.assertEqual(tags, [{"Key": "Application", "Value": "lake"}])


def account_client(name, account, region=REGION):
    """A client signed as the root of ACCOUNT: ministack takes a 12-digit access key ID as the account."""
    made = boto3.client(name, region_name=region, aws_access_key_id=account, aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
    if name == "s3":
        made.meta.events.register("before-sign.s3", lambda request, **_: request.headers.__setitem__("X-Forwarded-Proto", "https"))
    return made


class CrossAccountDeliveryTest(unittest.TestCase):
    """Correction 3 and 7: a stream of one account and Region writing into a bucket of another (a lake)."""

    LAKE, SOURCE, SOURCE_REGION = "111111111111", "222222222222", "eu-west-1"

    def deliver(self, resource_account, granted=None):
        """Keys the lake holds after one batch through a source stream whose role writes only to a
        bucket RESOURCE_ACCOUNT owns, into a lake whose bucket policy grants GRANTED (the source's account) its folder."""
        name = "x" + uuid.uuid4().hex[:10]
        bucket, folder = name + "-lake", f"events/account_id={self.SOURCE}/region={self.SOURCE_REGION}/"
        bucket_arn = f"arn:aws:s3:::{bucket}"
        lake = account_client("s3", self.LAKE)
        lake.create_bucket(Bucket=bucket)
        lake.put_bucket_policy(Bucket=bucket, Policy=policy(
            {"Sid": "SourceWrites", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{granted or self.SOURCE}:root"},
             "Action": "s3:PutObject", "Resource": f"{bucket_arn}/{folder}*"}))
        iam = account_client("iam", self.SOURCE)
        role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust("firehose.amazonaws.com", {"StringEquals": {"sts:ExternalId": self.SOURCE}}))["Role"]
        iam.put_role_policy(RoleName=name, PolicyName="deliver", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"{bucket_arn}/{folder}*",
             "Condition": {"StringEquals": {"s3:ResourceAccount": resource_account}}}))
        account_client("firehose", self.SOURCE, self.SOURCE_REGION).create_delivery_stream(
            DeliveryStreamName=name, DeliveryStreamType="DirectPut", ExtendedS3DestinationConfiguration={
                "RoleARN": role["Arn"], "BucketARN": bucket_arn, "CompressionFormat": "GZIP", "Prefix": folder,
                "ErrorOutputPrefix": f"errors/account_id={self.SOURCE}/", "CloudWatchLoggingOptions": {"Enabled": False}})
        deliveries(clear=True)
        account_client("firehose", self.SOURCE, self.SOURCE_REGION).put_record_batch(DeliveryStreamName=name, Records=[{"Data": b'{"eventType": "Send"}\n'}])
        keys = sorted(o["Key"] for o in lake.list_objects_v2(Bucket=bucket).get("Contents", []))
        return keys, folder, deliveries()

    def test_writes_into_the_bucket_of_another_account_and_region(self):
        keys, folder, seen = self.deliver(self.LAKE)
        self.assertEqual(len(keys), 1)
        self.assertTrue(keys[0].startswith(folder), keys)
        self.assertEqual(seen["errors"], [])

    def test_refuses_a_write_the_owners_bucket_policy_does_not_grant(self):
        keys, _, seen = self.deliver(self.LAKE, granted="333333333333")
        self.assertEqual(keys, [])
        [error] = seen["errors"]
        self.assertEqual(error["errorCode"], "S3.AccessDenied")
        self.assertIn("not allowed to arn:aws:sts::222222222222:assumed-role/", error["rule"])

    def test_s3_resource_account_is_the_bucket_owners(self):
        keys, _, seen = self.deliver(self.SOURCE)
        self.assertEqual(keys, [])
        self.assertEqual([e["errorCode"] for e in seen["errors"]], ["S3.AccessDenied"])


def new_account():
    """An account no test used before: a member of no organization."""
    return str(uuid.uuid4().int)[:12].rjust(12, "1")


class OrganizationMembersTest(unittest.TestCase):
    """Correction 10: an account joins an organization by accepting its invitation, and its
    principals then have the organization's aws:PrincipalOrgID, which a lake's bucket policy tests."""

    SOURCE_REGION = "eu-west-1"

    def setUp(self):
        self.management, self.lake, self.source = new_account(), new_account(), new_account()
        self.org_id = account_client("organizations", self.management).describe_organization()["Organization"]["Id"]

    def join(self, account):
        handshake = account_client("organizations", self.management).invite_account_to_organization(Target={"Type": "ACCOUNT", "Id": account})["Handshake"]
        self.assertEqual(handshake["State"], "OPEN")
        accepted = account_client("organizations", account).accept_handshake(HandshakeId=handshake["Id"])["Handshake"]
        self.assertEqual(accepted["State"], "ACCEPTED")

    def deliver(self, granted="{folder}*", folder_of=None, version="2012-10-17"):
        """Keys the lake holds after one batch through the source's stream into the folder of
        FOLDER_OF (the source's own by default), which its role may write; the lake's bucket policy
        grants GRANTED under the bucket (written with the folder) to the principals of the organization."""
        name = "x" + uuid.uuid4().hex[:10]
        bucket, folder = name + "-lake", f"events/account_id={folder_of or self.source}/region={self.SOURCE_REGION}/"
        bucket_arn = f"arn:aws:s3:::{bucket}"
        lake = account_client("s3", self.lake)
        lake.create_bucket(Bucket=bucket)
        document = {"Version": version, "Statement": [
            {"Sid": "OrganizationWrites", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:PutObject",
             "Resource": f"{bucket_arn}/{granted.replace('{folder}', folder)}", "Condition": {"StringEquals": {"aws:PrincipalOrgID": self.org_id}}}]}
        lake.put_bucket_policy(Bucket=bucket, Policy=json.dumps(document))
        iam = account_client("iam", self.source)
        role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust("firehose.amazonaws.com", {"StringEquals": {"sts:ExternalId": self.source}}))["Role"]
        iam.put_role_policy(RoleName=name, PolicyName="deliver", PolicyDocument=policy({"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"{bucket_arn}/{folder}*"}))
        firehose = account_client("firehose", self.source, self.SOURCE_REGION)
        firehose.create_delivery_stream(DeliveryStreamName=name, DeliveryStreamType="DirectPut", ExtendedS3DestinationConfiguration={
            "RoleARN": role["Arn"], "BucketARN": bucket_arn, "CompressionFormat": "GZIP", "Prefix": folder,
            "ErrorOutputPrefix": f"errors/account_id={self.source}/", "CloudWatchLoggingOptions": {"Enabled": False}})
        deliveries(clear=True)
        firehose.put_record_batch(DeliveryStreamName=name, Records=[{"Data": b'{"eventType": "Send"}\n'}])
        return sorted(o["Key"] for o in lake.list_objects_v2(Bucket=bucket).get("Contents", [])), deliveries()

    def test_a_member_writes_where_the_organization_may(self):
        self.join(self.source)
        keys, seen = self.deliver()
        self.assertEqual(len(keys), 1, seen)
        self.assertEqual(seen["errors"], [])

    def test_a_member_writes_its_own_account_folder_named_by_a_policy_variable(self):
        """Correction 11: ${aws:PrincipalAccount} in the Resource is the writer's account."""
        self.join(self.source)
        keys, seen = self.deliver(granted="events/account_id=${aws:PrincipalAccount}/*")
        self.assertEqual(len(keys), 1, seen)
        keys, seen = self.deliver(granted="events/account_id=${aws:PrincipalAccount}/*", folder_of=self.lake)
        self.assertEqual(keys, [])
        self.assertEqual([e["errorCode"] for e in seen["errors"]], ["S3.AccessDenied"])

    def test_a_bucket_policy_of_an_older_version_has_no_variables(self):
        self.join(self.source)
        keys, _ = self.deliver(granted="events/account_id=${aws:PrincipalAccount}/*", version="2008-10-17")
        self.assertEqual(keys, [])

    def test_a_policy_variable_without_a_value_matches_nothing(self):
        self.join(self.source)
        keys, _ = self.deliver(granted="events/account_id=${aws:SourceVpc}/*")
        self.assertEqual(keys, [])

    def test_an_account_outside_the_organization_is_refused(self):
        keys, seen = self.deliver()
        self.assertEqual(keys, [])
        self.assertEqual([e["errorCode"] for e in seen["errors"]], ["S3.AccessDenied"])

    def test_an_invitation_not_yet_accepted_makes_no_member(self):
        account_client("organizations", self.management).invite_account_to_organization(Target={"Type": "ACCOUNT", "Id": self.source})
        keys, _ = self.deliver()
        self.assertEqual(keys, [])

    def test_a_member_of_another_organization_is_refused(self):
        other = new_account()
        handshake = account_client("organizations", other).invite_account_to_organization(Target={"Type": "ACCOUNT", "Id": self.source})["Handshake"]
        account_client("organizations", self.source).accept_handshake(HandshakeId=handshake["Id"])
        keys, _ = self.deliver()
        self.assertEqual(keys, [])

    def test_only_the_invited_account_accepts_and_only_once(self):
        handshake = account_client("organizations", self.management).invite_account_to_organization(Target={"Type": "ACCOUNT", "Id": self.source})["Handshake"]
        with self.assertRaises(ClientError) as stranger:
            account_client("organizations", new_account()).accept_handshake(HandshakeId=handshake["Id"])
        self.assertEqual(stranger.exception.response["Error"]["Code"], "HandshakeNotFoundException")
        with self.assertRaises(ClientError) as management:
            account_client("organizations", self.management).accept_handshake(HandshakeId=handshake["Id"])
        self.assertEqual(management.exception.response["Error"]["Code"], "AccessDeniedException")
        account_client("organizations", self.source).accept_handshake(HandshakeId=handshake["Id"])
        with self.assertRaises(ClientError) as again:
            account_client("organizations", self.source).accept_handshake(HandshakeId=handshake["Id"])
        self.assertEqual(again.exception.response["Error"]["Code"], "InvalidHandshakeTransitionException")
        with self.assertRaises(ClientError) as member:
            account_client("organizations", new_account()).invite_account_to_organization(Target={"Type": "ACCOUNT", "Id": self.source})
        self.assertEqual(member.exception.response["Error"]["Code"], "HandshakeConstraintViolationException")
        described = account_client("organizations", self.management).describe_handshake(HandshakeId=handshake["Id"])["Handshake"]
        self.assertEqual((described["State"], described["Parties"]), ("ACCEPTED", [{"Id": self.org_id, "Type": "ORGANIZATION"}, {"Id": self.source, "Type": "ACCOUNT"}]))

    def test_a_member_is_told_its_organization_and_invites_no_one(self):
        self.join(self.source)
        self.assertEqual(account_client("organizations", self.source).describe_organization()["Organization"]["Id"], self.org_id)
        with self.assertRaises(ClientError) as refused:
            account_client("organizations", self.source).invite_account_to_organization(Target={"Type": "ACCOUNT", "Id": new_account()})
        self.assertEqual(refused.exception.response["Error"]["Code"], "AccessDeniedException")

    def test_refuses_an_invitation_of_no_account(self):
        with self.assertRaises(ClientError) as refused:
            account_client("organizations", self.management).invite_account_to_organization(Target={"Type": "EMAIL", "Id": "a@example.com"})
        self.assertEqual(refused.exception.response["Error"]["Code"], "InvalidInputException")


class PolicyVariablesTest(unittest.TestCase):
    """Correction 11: what a Resource entry with variables matches."""

    VALUES = {"aws:PrincipalAccount": "222222222222", "aws:username": "ana", "aws:TagKeys": ["a", "b"]}

    def matches(self, resource, arn, variables=True):
        regex = server.resource_regex(resource, self.VALUES.get, variables)
        return regex is not None and regex.fullmatch(arn) is not None

    def test_replaces_each_variable_with_the_requests_value(self):
        self.assertTrue(self.matches("arn:aws:s3:::b/${aws:PrincipalAccount}/${aws:username}/*", "arn:aws:s3:::b/222222222222/ana/k"))
        self.assertFalse(self.matches("arn:aws:s3:::b/${aws:PrincipalAccount}/*", "arn:aws:s3:::b/333333333333/k"))
        self.assertTrue(self.matches("arn:aws:s3:::b/plain/*", "arn:aws:s3:::b/plain/k"))

    def test_the_special_variables_are_the_characters_themselves(self):
        self.assertTrue(self.matches("arn:aws:s3:::b/literal-${*}", "arn:aws:s3:::b/literal-*"))
        self.assertFalse(self.matches("arn:aws:s3:::b/literal-${*}", "arn:aws:s3:::b/literal-anything"))
        self.assertFalse(self.matches("arn:aws:s3:::b/a${?}", "arn:aws:s3:::b/ab"))
        self.assertTrue(self.matches("arn:aws:s3:::b/a${$}", "arn:aws:s3:::b/a$"))

    def test_a_key_without_a_single_value_matches_nothing_unless_it_has_a_default(self):
        self.assertIsNone(server.resource_regex("arn:aws:s3:::b/${aws:SourceVpc}/*", self.VALUES.get))
        self.assertIsNone(server.resource_regex("arn:aws:s3:::b/${aws:TagKeys}/*", self.VALUES.get))
        self.assertTrue(self.matches("arn:aws:s3:::b/${aws:SourceVpc, 'novpc'}/*", "arn:aws:s3:::b/novpc/k"))
        self.assertTrue(self.matches("arn:aws:s3:::b/${aws:username, 'x'}/*", "arn:aws:s3:::b/ana/k"))

    def test_a_policy_of_an_older_version_takes_variables_literally(self):
        self.assertFalse(self.matches("arn:aws:s3:::b/${aws:PrincipalAccount}/*", "arn:aws:s3:::b/222222222222/k", variables=False))
        self.assertTrue(self.matches("arn:aws:s3:::b/${aws:PrincipalAccount}/*", "arn:aws:s3:::b/${aws:PrincipalAccount}/k", variables=False))

    def test_only_a_2012_10_17_identity_policy_has_variables(self):
        """Through the evaluator: a role's grant of its account's folder in a policy of each Version."""
        writer = new_account()
        bucket = "x" + uuid.uuid4().hex[:12]
        account_client("s3", writer).create_bucket(Bucket=bucket)
        iam = account_client("iam", writer)
        trust_root = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{writer}:root"}, "Action": "sts:AssumeRole"}]})
        for version, allowed in (("2012-10-17", True), ("2008-10-17", False), (None, False)):
            name = "w" + uuid.uuid4().hex[:10]
            role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust_root)["Role"]
            document = {"Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/${{aws:PrincipalAccount}}/*"}]}
            if version:
                document["Version"] = version
            iam.put_role_policy(RoleName=name, PolicyName="write", PolicyDocument=json.dumps(document))
            credentials = account_client("sts", writer).assume_role(RoleArn=role["Arn"], RoleSessionName="writer")["Credentials"]
            try:
                client("s3", credentials).put_object(Bucket=bucket, Key=f"{writer}/k", Body=b"x")
                wrote = True
            except ClientError:
                wrote = False
            self.assertEqual(wrote, allowed, version)


class DescribeCorrectionsTest(unittest.TestCase):
    def test_describe_delivery_stream_returns_the_custom_time_zone(self):
        name = "z" + uuid.uuid4().hex[:10]
        firehose = client("firehose")
        firehose.create_delivery_stream(DeliveryStreamName=name, ExtendedS3DestinationConfiguration={"RoleARN": f"arn:aws:iam::{ACCOUNT}:role/x", "BucketARN": "arn:aws:s3:::nowhere"})
        [destination] = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]["Destinations"]
        self.assertEqual(destination["ExtendedS3DestinationDescription"]["CustomTimeZone"], "UTC")

    def test_update_destination_stores_the_source_record_backup_as_described(self):
        name = "b" + uuid.uuid4().hex[:10]
        firehose = client("firehose")
        role = f"arn:aws:iam::{ACCOUNT}:role/x"
        firehose.create_delivery_stream(DeliveryStreamName=name, ExtendedS3DestinationConfiguration={"RoleARN": role, "BucketARN": "arn:aws:s3:::events"})
        stream = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
        self.assertNotIn("S3BackupDescription", stream["Destinations"][0]["ExtendedS3DestinationDescription"])
        backup = {"RoleARN": role, "BucketARN": "arn:aws:s3:::events", "Prefix": "source-records/", "CompressionFormat": "GZIP"}
        firehose.update_destination(DeliveryStreamName=name, CurrentDeliveryStreamVersionId=stream["VersionId"], DestinationId=stream["Destinations"][0]["DestinationId"],
                                    ExtendedS3DestinationUpdate={"S3BackupMode": "Enabled", "S3BackupUpdate": backup})
        stream = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
        described = stream["Destinations"][0]["ExtendedS3DestinationDescription"]
        self.assertEqual(described["S3BackupMode"], "Enabled")
        self.assertEqual({k: described["S3BackupDescription"][k] for k in backup}, backup)
        # A later update merges into the backup it has: what it leaves out stays.
        firehose.update_destination(DeliveryStreamName=name, CurrentDeliveryStreamVersionId=stream["VersionId"], DestinationId=stream["Destinations"][0]["DestinationId"],
                                    ExtendedS3DestinationUpdate={"S3BackupUpdate": {"Prefix": "raw/"}})
        described = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]["Destinations"][0]["ExtendedS3DestinationDescription"]
        self.assertEqual((described["S3BackupDescription"]["Prefix"], described["S3BackupDescription"]["CompressionFormat"]), ("raw/", "GZIP"))

    def test_a_metric_math_alarm_has_no_period_or_statistic(self):
        name = "m" + uuid.uuid4().hex[:10]
        metrics = [{"Id": "e", "Expression": "m1 * 2", "ReturnData": True},
                   {"Id": "m1", "MetricStat": {"Metric": {"Namespace": "AWS/SES", "MetricName": "Send"}, "Period": 300, "Stat": "Sum"}, "ReturnData": False}]
        cbor_call("PutMetricAlarm", {"AlarmName": name, "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanThreshold", "Metrics": metrics})
        [alarm] = cbor_call("DescribeAlarms", {"AlarmNames": [name]})["MetricAlarms"]
        self.assertNotIn("Period", alarm)
        self.assertNotIn("Statistic", alarm)
        cbor_call("PutMetricAlarm", {"AlarmName": name + "-single", "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanThreshold",
                                     "Namespace": "AWS/SES", "MetricName": "Send", "Period": 300, "Statistic": "Sum"})
        [single] = cbor_call("DescribeAlarms", {"AlarmNames": [name + "-single"]})["MetricAlarms"]
        self.assertEqual((single["Period"], single["Statistic"]), (300, "Sum"))

    def test_get_named_query_is_authorized_on_its_workgroup(self):
        athena, iam = client("athena"), client("iam")
        name = "q" + uuid.uuid4().hex[:10]
        athena.create_work_group(Name=name)
        query_id = athena.create_named_query(Name=name, Database="d", QueryString="SELECT 1", WorkGroup=name)["NamedQueryId"]
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]}))
        iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=policy({"Effect": "Allow", "Action": "athena:GetNamedQuery", "Resource": f"arn:aws:athena:{REGION}:{ACCOUNT}:workgroup/{name}"}))
        credentials = client("sts").assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/{name}", RoleSessionName="probe")["Credentials"]
        self.assertEqual(client("athena", credentials).get_named_query(NamedQueryId=query_id)["NamedQuery"]["Name"], name)


class ErrorDocumentTest(unittest.TestCase):
    def test_reads_the_code_of_an_error_output_document(self):
        document = {"attemptsMade": 1, "rawData": base64.b64encode(b"{}").decode(), "ErrorMessage": "Metadata extraction failed: x"}
        self.assertEqual(server.error_document(json.dumps(document).encode()), ("DynamicPartitioning.MetadataExtractionFailed", "Metadata extraction failed: x"))

    def test_an_event_record_is_no_error_document(self):
        self.assertIsNone(server.error_document(b'{"eventType": "Send"}\n'))
        self.assertIsNone(server.error_document(b"\x1f\x8b not json"))


if __name__ == "__main__":
    unittest.main()
