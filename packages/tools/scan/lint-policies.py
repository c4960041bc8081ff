"""Lints every IAM policy of the synthesized stacks with parliament (packages/tools/scan/scan.sh).

Usage: python packages/tools/scan/lint-policies.py SYNTH_DIR...   (each a cdktf output dir with manifest.json)

A policy is any string attribute of a resource whose name is "policy" or ends in "_policy" and
holds a JSON policy document (role trust and inline policies, role policies, managed policies,
bucket, topic and key policies), and every data.aws_iam_policy_document. Terraform references in
a policy (`${aws_s3_bucket.X.arn}`, `${data.aws_region.X.region}`) are only known at apply time:
each is replaced by a value of the same shape (an ARN of the referenced resource's type, the
stack's Region, account 123456789012), so parliament can match resources against actions. A
reference the table below cannot shape is an error, not a silent pass.

Exit status: 0 no finding, 1 findings, 2 a policy could not be read or a reference not shaped.
"""

import json
import os
import re
import sys

from parliament import analyze_policy_string

ACCOUNT = "123456789012"
# A Terraform reference, not `$${...}`: Terraform writes that as `${...}`, an IAM policy variable
# such as ${aws:PrincipalAccount}, which IAM reads (and parliament with it).
REFERENCE = re.compile(r"(?<!\$)\$\{([^}]*)\}")
ESCAPED = re.compile(r"\$\$\{")

# ARN shapes by resource type, for `${TYPE.NAME.arn}`; {r} Region, {a} account, {n} a name.
ARNS = {
    "aws_athena_workgroup": "arn:aws:athena:{r}:{a}:workgroup/{n}",
    "aws_cloudwatch_log_group": "arn:aws:logs:{r}:{a}:log-group:{n}",
    "aws_cloudwatch_metric_alarm": "arn:aws:cloudwatch:{r}:{a}:alarm:{n}",
    "aws_glue_catalog_database": "arn:aws:glue:{r}:{a}:database/{n}",
    "aws_glue_catalog_table": "arn:aws:glue:{r}:{a}:table/{n}/{n}",
    "aws_iam_policy": "arn:aws:iam::{a}:policy/{n}",
    "aws_iam_role": "arn:aws:iam::{a}:role/{n}",
    "aws_kinesis_firehose_delivery_stream": "arn:aws:firehose:{r}:{a}:deliverystream/{n}",
    "aws_kms_key": "arn:aws:kms:{r}:{a}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "aws_s3_bucket": "arn:aws:s3:::{n}",
    "aws_sesv2_configuration_set": "arn:aws:ses:{r}:{a}:configuration-set/{n}",
    "aws_sns_topic": "arn:aws:sns:{r}:{a}:{n}",
}
NAME_ATTRIBUTES = {"name", "id", "bucket", "configuration_set_name", "name_prefix", "key_id"}


def shape(expression, region):
    """The value a `${...}` reference stands for, in the shape parliament checks."""
    parts = expression.split(".")
    if parts[0] == "data" and len(parts) == 4:
        kind, attribute = parts[1], parts[3]
        if kind == "aws_partition" and attribute == "partition":
            return "aws"
        if kind == "aws_partition" and attribute == "dns_suffix":
            return "amazonaws.com"
        if kind == "aws_region" and attribute in ("region", "name"):
            return region
        if kind == "aws_caller_identity" and attribute == "account_id":
            return ACCOUNT
    elif len(parts) == 3:
        kind, attribute = parts[0], parts[2]
        if attribute == "arn" and kind in ARNS:
            return ARNS[kind].format(r=region, a=ACCOUNT, n="example")
        if attribute in NAME_ATTRIBUTES:
            return "example"
    raise ValueError(f"cannot shape the reference ${{{expression}}}: add it to packages/tools/scan/lint-policies.py")


def from_document_data(block):
    """A data.aws_iam_policy_document block as the JSON document it renders."""
    statements = []
    for s in block.get("statement", []):
        statement = {"Effect": s.get("effect", "Allow")}
        if "sid" in s:
            statement["Sid"] = s["sid"]
        for key, name in (("actions", "Action"), ("not_actions", "NotAction"), ("resources", "Resource"), ("not_resources", "NotResource")):
            if key in s:
                statement[name] = s[key]
        for key, name in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
            if key in s:
                statement[name] = {p["type"]: p["identifiers"] for p in s[key]}
        conditions = {}
        for c in s.get("condition", []):
            conditions.setdefault(c["test"], {})[c["variable"]] = c["values"]
        if conditions:
            statement["Condition"] = conditions
        statements.append(statement)
    return json.dumps({"Version": block.get("version", "2012-10-17"), "Statement": statements})


def policies(stack):
    """(address.attribute, policy JSON text with references) of one stack."""
    for kind, items in sorted(stack.get("resource", {}).items()):
        for name, resource in sorted(items.items()):
            for attribute, value in sorted(resource.items()):
                if (attribute == "policy" or attribute.endswith("_policy")) and isinstance(value, str) and '"Statement"' in value:
                    yield f"{kind}.{name}.{attribute}", value
            for i, inline in enumerate(resource.get("inline_policy", []) if isinstance(resource.get("inline_policy"), list) else []):
                if isinstance(inline.get("policy"), str):
                    yield f"{kind}.{name}.inline_policy[{i}]", inline["policy"]
    for name, block in sorted(stack.get("data", {}).get("aws_iam_policy_document", {}).items()):
        yield f"data.aws_iam_policy_document.{name}", from_document_data(block)


def as_role_resource_policy(text, region):
    """A trust policy with the role it governs as each statement's Resource.

    A role's trust policy is a resource policy without a Resource element: the resource is the
    role itself. parliament 1.6.4 lints it as an identity policy and reports every statement as
    MALFORMED "Statement contains neither Resource nor NotResource" (its statement.py says trust
    policies "don't have Resource elements, so that would break other things"). Naming the role
    as the Resource lets parliament check the rest: the actions, the Principal, and that each
    condition key applies to sts:AssumeRole on a role.
    """
    document = json.loads(text)
    statements = document["Statement"] if isinstance(document["Statement"], list) else [document["Statement"]]
    for statement in statements:
        if "Resource" not in statement and "NotResource" not in statement:
            statement["Resource"] = ARNS["aws_iam_role"].format(r=region, a=ACCOUNT, n="example")
    return json.dumps(document)


def stack_region(stack):
    providers = stack.get("provider", {}).get("aws", [{}])
    region = providers[0].get("region", "us-east-1")
    return region if re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", region) else "us-east-1"


def main(dirs):
    checked, findings = 0, 0
    for d in dirs:
        manifest = os.path.join(d, "manifest.json")
        for stack_name, entry in sorted(json.load(open(manifest))["stacks"].items()):
            stack = json.load(open(os.path.join(d, entry["synthesizedStackPath"])))
            region = stack_region(stack)
            for where, text in policies(stack):
                try:
                    concrete = ESCAPED.sub("${", REFERENCE.sub(lambda m: shape(m.group(1), region), text))
                except ValueError as e:
                    print(f"lint-policies: error: {d} {stack_name} {where}: {e}", file=sys.stderr)
                    return 2
                if where.endswith(".assume_role_policy"):
                    concrete = as_role_resource_policy(concrete, region)
                policy = analyze_policy_string(concrete, filepath=where)
                checked += 1
                for f in policy.findings:
                    findings += 1
                    print(f"  {f.severity:<8} {f.issue} {stack_name} {where}: {json.dumps(f.detail)} at {json.dumps(f.location)}")
    status = "FAILED" if findings or not checked else "ok"
    print(f"\nlint-policies: {status}: parliament on {checked} policies in {', '.join(dirs)}: {findings} findings")
    if not checked:
        print("lint-policies: error: no policy found", file=sys.stderr)
        return 2
    return 1 if findings else 0


# A policy with one unknown action and one condition key that does not apply: parliament must
# report both, or it is not really checking (a broken install, an empty action database).
KNOWN_BAD = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "firehose:PutRecordBatches", "Resource": ARNS["aws_kinesis_firehose_delivery_stream"]},
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ARNS["aws_iam_role"], "Condition": {"StringEquals": {"s3:prefix": "x"}}},
    ],
}


def self_test():
    text = json.dumps(KNOWN_BAD).replace("{r}", "us-east-1").replace("{a}", ACCOUNT).replace("{n}", "example")
    issues = sorted(f.issue for f in analyze_policy_string(text).findings)
    if issues != ["UNKNOWN_ACTION", "UNKNOWN_CONDITION_FOR_ACTION"]:
        print(f"lint-policies: error: parliament self-test: a known-bad policy gave {issues}", file=sys.stderr)
        return False
    return True


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: lint-policies.py SYNTH_DIR...")
    if not self_test():
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
