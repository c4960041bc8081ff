"""Creates, in the AWS API mock, the objects a profile expects to exist before its first plan:
what its import blocks adopt, and buckets it only refers to (an access-log bucket).

Usage: AWS_ENDPOINT_URL=http://127.0.0.1:PORT python seed-mock.py SEED_FILE [OVERRIDES_OUT]

SEED_FILE is JSON: {"region": "...", "kmsKeys": [{"description", "policy", "setting"}],
"buckets": [name], "configurationSets": [name or {"name", "options"}],
"roles": [{"name", "service"}], "logStreams": [{"group", "stream"}],
"deliveryStreams": [{"name", "roleName", "bucket", "dynamicPartitioning"}],
"eventDestinations": [{"configurationSet", "name", "roleName", "stream", "eventTypes"}],
"organization": {"members": [account], "setting"}}.
A KMS key is created with its key policy (${Region} and ${Account} written in), and its ARN is
written to OVERRIDES_OUT under its "setting" (a dotted context key, such as
deliveryStream.kmsKeyArn), for the profile's context: the emulator chooses a key's ID. An
organization is created with the calling account as its management account, each member invited
and accepting as itself (the emulator takes a 12-digit access key ID as the account), and its ID
written under its "setting" (such as lake.organizationId).
Credentials are the fake ones of the check's environment; boto3 talks only to AWS_ENDPOINT_URL.
"""

import json
import os
import sys

import boto3


def trust(service):
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
    })


def main(path, overrides_out=None):
    with open(path) as f:
        seed = json.load(f)
    region = seed["region"]
    client = lambda name: boto3.client(name, region_name=region)
    account = boto3.client("sts", region_name=region).get_caller_identity()["Account"]

    overrides = {}
    kms = client("kms")
    for key in seed.get("kmsKeys", []):
        policy = json.dumps(key["policy"]).replace("${Region}", region).replace("${Account}", account)
        arn = kms.create_key(Description=key["description"], Policy=policy)["KeyMetadata"]["Arn"]
        overrides[key["setting"]] = arn
        print(f"seed: KMS key {arn} ({key['description']}) for {key['setting']}")
    organization = seed.get("organization")
    if organization:
        organizations = client("organizations")
        org_id = organizations.describe_organization()["Organization"]["Id"]
        for member in organization["members"]:
            handshake = organizations.invite_account_to_organization(Target={"Type": "ACCOUNT", "Id": member})["Handshake"]
            as_member = boto3.client("organizations", region_name=region, aws_access_key_id=member, aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
            as_member.accept_handshake(HandshakeId=handshake["Id"])
            print(f"seed: account {member} joined organization {org_id}")
        overrides[organization["setting"]] = org_id
    if overrides_out:
        with open(overrides_out, "w") as f:
            json.dump(overrides, f, indent=2)

    s3 = client("s3")
    for bucket in seed.get("buckets", []):
        config = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        s3.create_bucket(Bucket=bucket, **config)
        print(f"seed: bucket {bucket}")

    sesv2 = client("sesv2")
    for item in seed.get("configurationSets", []):
        # A name, or {"name", "options"} with the options as CreateConfigurationSet takes them.
        name, options = (item, {}) if isinstance(item, str) else (item["name"], item.get("options", {}))
        sesv2.create_configuration_set(ConfigurationSetName=name, **options)
        print(f"seed: configuration set {name}{' with ' + ', '.join(options) if options else ''}")

    iam = client("iam")
    roles = {}
    for role in seed.get("roles", []):
        roles[role["name"]] = iam.create_role(RoleName=role["name"], Path=role.get("path", "/"), AssumeRolePolicyDocument=trust(role["service"]))["Role"]["Arn"]
        print(f"seed: role {role['name']}")

    logs = client("logs")
    for item in seed.get("logStreams", []):
        logs.create_log_group(logGroupName=item["group"])
        logs.create_log_stream(logGroupName=item["group"], logStreamName=item["stream"])
        print(f"seed: log group {item['group']} and stream {item['stream']}")

    firehose = client("firehose")
    for stream in seed.get("deliveryStreams", []):
        destination = {
            "RoleARN": roles[stream["roleName"]],
            "BucketARN": f"arn:aws:s3:::{stream['bucket']}",
            "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 300},
        }
        if stream.get("dynamicPartitioning"):
            destination["DynamicPartitioningConfiguration"] = {"Enabled": True}
        firehose.create_delivery_stream(
            DeliveryStreamName=stream["name"],
            DeliveryStreamType="DirectPut",
            ExtendedS3DestinationConfiguration=destination,
        )
        print(f"seed: delivery stream {stream['name']}")

    for item in seed.get("eventDestinations", []):
        sesv2.create_configuration_set_event_destination(
            ConfigurationSetName=item["configurationSet"],
            EventDestinationName=item["name"],
            EventDestination={
                "Enabled": True,
                "MatchingEventTypes": item["eventTypes"],
                "KinesisFirehoseDestination": {
                    "IamRoleArn": roles[item["roleName"]],
                    "DeliveryStreamArn": f"arn:aws:firehose:{region}:{account}:deliverystream/{item['stream']}",
                },
            },
        )
        print(f"seed: event destination {item['name']} of {item['configurationSet']}")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: seed-mock.py SEED_FILE [OVERRIDES_OUT]")
    main(*sys.argv[1:])
