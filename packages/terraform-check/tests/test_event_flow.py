"""event-flow.py against a pipeline built in the launcher by hand (no Terraform): SES played from
the applied event destinations, Firehose's delivery, the landing and the IAM probes."""

import gzip
import importlib.util
import json
import os
import tempfile
import unittest
import uuid

import boto3

from emulator import ACCOUNT, Emulator

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("event_flow", os.path.join(HERE, "..", "event-flow.py"))
flow = importlib.util.module_from_spec(spec)
spec.loader.exec_module(flow)
LOGGED = []
flow.log = LOGGED.append  # unittest's report stays one line per test

REGION = "us-east-1"
EMULATOR = None
ALL_TYPES = list(flow.SES_EVENT_TYPES.values())


def setUpModule():
    global EMULATOR
    EMULATOR = Emulator()


def tearDownModule():
    EMULATOR.stop()


def statement_policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


class Stack:
    """What the default stack applies, made with boto3, and the `terraform show -json` that names it."""

    def __init__(self, ses_trust_condition=True, enabled=True, event_types=ALL_TYPES, wrong_role=False, ses_stream_suffix=""):
        self.name = "f" + uuid.uuid4().hex[:8]
        self.bucket = self.name + "-events"
        iam, s3, logs = (boto3.client(n, region_name=REGION) for n in ("iam", "s3", "logs"))
        s3.create_bucket(Bucket=self.bucket)
        bucket_arn = f"arn:aws:s3:::{self.bucket}"
        group = f"/aws/kinesisfirehose/{self.name}"
        logs.create_log_group(logGroupName=group)
        logs.create_log_stream(logGroupName=group, logStreamName="DestinationDelivery")
        stream_arn = f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/{self.name}"
        set_arn = f"arn:aws:ses:{REGION}:{ACCOUNT}:configuration-set/{self.name}"
        delivery = iam.create_role(RoleName=self.name + "-firehose", AssumeRolePolicyDocument=statement_policy(
            {"Effect": "Allow", "Principal": {"Service": "firehose.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": ACCOUNT}}}))["Role"]
        iam.put_role_policy(RoleName=delivery["RoleName"], PolicyName="deliver", PolicyDocument=statement_policy(
            {"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject", "s3:ListBucket"], "Resource": [bucket_arn, bucket_arn + "/*"]},
            {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}:log-stream:DestinationDelivery"}))
        ses_trust = {"Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"}, "Action": "sts:AssumeRole"}
        if ses_trust_condition:
            ses_trust["Condition"] = {"StringEquals": {"AWS:SourceAccount": ACCOUNT, "AWS:SourceArn": set_arn}}
        ses = iam.create_role(RoleName=self.name + "-ses", AssumeRolePolicyDocument=statement_policy(ses_trust))["Role"]
        iam.put_role_policy(RoleName=ses["RoleName"], PolicyName="put", PolicyDocument=statement_policy(
            {"Effect": "Allow", "Action": "firehose:PutRecordBatch", "Resource": stream_arn + ses_stream_suffix}))
        boto3.client("firehose", region_name=REGION).create_delivery_stream(DeliveryStreamName=self.name, ExtendedS3DestinationConfiguration={
            "RoleARN": delivery["Arn"], "BucketARN": bucket_arn, "CompressionFormat": "GZIP",
            "Prefix": "events/event_type=!{partitionKeyFromQuery:event_type}/year=!{timestamp:yyyy}/",
            "ErrorOutputPrefix": "errors/!{firehose:error-output-type}/",
            "DynamicPartitioningConfiguration": {"Enabled": True},
            "ProcessingConfiguration": {"Enabled": True, "Processors": [{"Type": "MetadataExtraction", "Parameters": [
                {"ParameterName": "MetadataExtractionQuery", "ParameterValue": "{event_type: .eventType}"}]}]},
            "CloudWatchLoggingOptions": {"Enabled": True, "LogGroupName": group, "LogStreamName": "DestinationDelivery"}})
        sesv2 = boto3.client("sesv2", region_name=REGION)
        sesv2.create_configuration_set(ConfigurationSetName=self.name)
        sesv2.create_configuration_set_event_destination(ConfigurationSetName=self.name, EventDestinationName="firehose", EventDestination={
            "Enabled": enabled, "MatchingEventTypes": event_types,
            "KinesisFirehoseDestination": {"IamRoleArn": delivery["Arn"] if wrong_role else ses["Arn"], "DeliveryStreamArn": stream_arn}})
        self.ses_role, self.delivery_role = ses["Arn"], delivery["Arn"]
        state = {"values": {"root_module": {"resources": [
            {"type": "aws_sesv2_configuration_set", "values": {"configuration_set_name": self.name, "arn": f"arn:aws:ses:{REGION}::configuration-set/{self.name}"}}]}}}
        self.dir = tempfile.mkdtemp(prefix="event-flow-test-")
        self.state = os.path.join(self.dir, "state.json")
        with open(self.state, "w") as f:
            json.dump(state, f)
        self.records = os.path.join(self.dir, "records.json")
        with open(self.records, "w") as f:
            json.dump([{"eventType": t, "mail": {"messageId": str(i)}} for i, t in enumerate(flow.SES_EVENT_TYPES)], f)

    def run(self):
        out = os.path.join(self.dir, "out.json")
        ok = flow.main(self.state, os.path.join(self.dir, "objects"), out, [self.records])
        with open(out) as f:
            return ok, json.load(f)


class EventFlowTest(unittest.TestCase):
    def test_a_sound_pipeline_delivers_every_event_type_into_its_partition(self):
        ok, out = Stack().run()
        self.assertEqual(out["failedChecks"], [])
        self.assertTrue(ok)
        self.assertEqual(out["eventFlow"]["recordsPut"], 10)
        self.assertEqual(out["eventFlow"]["eventTypesLanded"], sorted(flow.SES_EVENT_TYPES))
        # Ten event objects and the error record, each written as the delivery role.
        self.assertEqual(out["eventFlow"]["deliveredAsRole"], 11)
        self.assertEqual(out["iam"]["unexpected"], [])

    def test_a_rerun_on_the_same_stack_starts_from_an_empty_bucket(self):
        stack = Stack()
        stack.run()
        ok, out = stack.run()
        self.assertEqual(out["failedChecks"], [])
        self.assertEqual(out["eventFlow"]["objectsWritten"], 10)

    def test_a_disabled_destination_is_a_named_failure(self):
        ok, out = Stack(enabled=False).run()
        self.assertFalse(ok)
        self.assertIn("ses", out["failedChecks"])
        self.assertTrue(any("no enabled event destination of configuration set" in p and "firehose: DISABLED" in p for p in out["eventFlow"]["problems"]), out["eventFlow"]["problems"])

    def test_an_event_type_no_destination_matches_is_a_named_failure(self):
        stack = Stack(event_types=[t for t in ALL_TYPES if t != "BOUNCE"])
        ok, out = stack.run()
        self.assertFalse(ok)
        self.assertIn(f"ses: no enabled event destination of configuration set {stack.name} matches BOUNCE", out["eventFlow"]["problems"][0])
        self.assertNotIn("Bounce", out["eventFlow"]["eventTypesLanded"])

    def test_a_destination_naming_a_role_ses_cannot_assume_is_a_named_failure(self):
        stack = Stack(wrong_role=True)
        ok, out = stack.run()
        self.assertFalse(ok)
        self.assertTrue(out["eventFlow"]["problems"][0].startswith(
            f"ses: event destination firehose of configuration set {stack.name}: SES cannot assume its IamRoleArn {stack.delivery_role}"), out["eventFlow"]["problems"])

    def test_an_ses_role_that_may_not_write_the_stream_is_a_named_failure(self):
        stack = Stack(ses_stream_suffix="-other")
        ok, out = stack.run()
        self.assertFalse(ok)
        self.assertIn("ses", out["failedChecks"])
        self.assertTrue(out["eventFlow"]["problems"][0].startswith(
            f"ses: event destination firehose of configuration set {stack.name}: PutRecordBatch into its DeliveryStreamArn "
            f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/{stack.name} as {stack.ses_role}: AccessDeniedException"), out["eventFlow"]["problems"])
        self.assertEqual(out["eventFlow"]["recordsPut"], 0)

    def test_a_trust_policy_without_source_conditions_fails_the_probes(self):
        ok, out = Stack(ses_trust_condition=False).run()
        self.assertFalse(ok)
        self.assertEqual(out["failedChecks"], ["iam"])
        self.assertIn("SES role sts:AssumeRole by SES with no source context: allowed, expected denied", out["iam"]["unexpected"])
        self.assertTrue(any("(another account): allowed" in u for u in out["iam"]["unexpected"]))

    def test_a_denied_firehose_write_is_a_named_failure(self):
        stack = Stack()
        boto3.client("s3", region_name=REGION).put_bucket_policy(Bucket=stack.bucket, Policy=statement_policy(
            {"Sid": "NoDelivery", "Effect": "Deny", "Principal": {"AWS": stack.delivery_role}, "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{stack.bucket}/*"}))
        ok, out = stack.run()
        self.assertFalse(ok)
        self.assertIn("delivery", out["failedChecks"])
        problem = next(p for p in out["eventFlow"]["problems"] if p.startswith("delivery:"))
        self.assertIn(f"could not write s3://{stack.bucket}/events/", problem)
        self.assertIn("(statement NoDelivery)", problem)


class RoutingTest(unittest.TestCase):
    def destination(self, name, enabled=True, types=ALL_TYPES, firehose=True):
        made = {"Name": name, "Enabled": enabled, "MatchingEventTypes": types}
        if firehose:
            made["KinesisFirehoseDestination"] = {"IamRoleArn": "r", "DeliveryStreamArn": "s"}
        return made

    def test_publishes_through_every_enabled_matching_destination(self):
        routed, untaken = flow.route([{"eventType": "Bounce"}, {"eventType": "Send"}], [
            self.destination("a"), self.destination("b", types=["BOUNCE"]), self.destination("c", enabled=False)])
        self.assertEqual(routed, {"a": [{"eventType": "Bounce"}, {"eventType": "Send"}], "b": [{"eventType": "Bounce"}]})
        self.assertEqual(untaken, {})

    def test_maps_the_event_type_with_a_space(self):
        routed, _ = flow.route([{"eventType": "Rendering Failure"}], [self.destination("a", types=["RENDERING_FAILURE"])])
        self.assertEqual(list(routed), ["a"])

    def test_counts_what_no_destination_takes(self):
        _, untaken = flow.route([{"eventType": "Open"}, {"eventType": "Open"}, {"eventType": "Nonsense"}], [self.destination("a", types=["SEND"])])
        self.assertEqual(untaken, {"OPEN": 2, "'Nonsense'": 1})

    def test_a_destination_of_another_kind_takes_the_event_elsewhere(self):
        routed, untaken = flow.route([{"eventType": "Send"}], [self.destination("cw", firehose=False)])
        self.assertEqual((routed, untaken), ({}, {}))


class ObjectsTest(unittest.TestCase):
    def test_prefix_root_and_partition(self):
        prefix = "events/event_type=!{partitionKeyFromQuery:event_type}/year=!{timestamp:yyyy}/"
        self.assertEqual(flow.prefix_root(prefix), "events/")
        self.assertEqual(flow.expected_partition(prefix, "Rendering Failure"), "event_type=Rendering Failure")
        self.assertIsNone(flow.expected_partition("events/!{timestamp:yyyy}/", "Send"))
        self.assertEqual(flow.prefix_root("!{timestamp:yyyy}/"), "")

    def test_decode_object_reads_gzip_json_lines(self):
        self.assertEqual(flow.decode_object("k", gzip.compress(b'{"a":1}\n{"b":2}\n')), (['{"a":1}', '{"b":2}'], None))
        self.assertEqual(flow.decode_object("k", gzip.compress(b'{"a":1}'))[1], "k does not end with a newline")
        self.assertEqual(flow.decode_object("k", b"plain"), ([], "k is not GZIP"))


if __name__ == "__main__":
    unittest.main()
