"""Reproduces, against the AWS API emulator, the behaviours that once had to be excluded from the
empty-plan check (moto's: S3 CreateBucket tags ignored, SESv2 option objects answered as {}),
and writes what it saw. expectations.js excludes nothing today; an exclusion added there would
apply only while its behaviour is reproduced here, so a check never excludes on assumption.

Usage: AWS_ENDPOINT_URL=http://127.0.0.1:PORT python mock-evidence.py OUT_JSON

OUT_JSON: {"<key>": {"reproduced": bool, "evidence": "<what the emulator answered>"}}.
Uses its own throwaway names in us-east-1; the check resets the emulator afterwards.
"""

import json
import sys

import boto3
from botocore.exceptions import ClientError

REGION = "us-east-1"
ACCOUNT = "123456789012"  # the emulator's account
TAGS = [{"Key": "Application", "Value": "ses-events"}]


def s3_create_bucket_tags():
    """The provider tags a bucket in CreateBucket (CreateBucketConfiguration.Tags)."""
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="evidence-create-bucket-tags", CreateBucketConfiguration={"Tags": TAGS})
    try:
        answer = s3.get_bucket_tagging(Bucket="evidence-create-bucket-tags")["TagSet"]
    except ClientError as e:
        answer = e.response["Error"]["Code"]
    return answer in ("NoSuchTagSet", []), (
        f"CreateBucket with CreateBucketConfiguration.Tags={json.dumps(TAGS)}, then GetBucketTagging -> {json.dumps(answer)}"
    )


def sesv2_empty_option_blocks():
    """AWS leaves out the option objects a configuration set was created without."""
    ses = boto3.client("sesv2", region_name=REGION)
    ses.create_configuration_set(ConfigurationSetName="evidence-options")
    answer = ses.get_configuration_set(ConfigurationSetName="evidence-options")
    empty = {k: answer.get(k) for k in ("DeliveryOptions", "SuppressionOptions", "TrackingOptions", "VdmOptions")}
    return all(v == {} for v in empty.values()), (
        f"GetConfigurationSet of a set created without options -> {json.dumps(empty)}"
    )


PROBES = {
    "s3-create-bucket-tags": s3_create_bucket_tags,
    "sesv2-empty-option-blocks": sesv2_empty_option_blocks,
}


def main(out):
    seen = {}
    for key, probe in PROBES.items():
        reproduced, evidence = probe()
        seen[key] = {"reproduced": reproduced, "evidence": evidence}
        print(f"terraform-check: mock evidence {key}: {'reproduced' if reproduced else 'NOT reproduced'}: {evidence}", file=sys.stderr)
    json.dump(seen, open(out, "w"), indent=2)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: mock-evidence.py OUT_JSON")
    main(sys.argv[1])
