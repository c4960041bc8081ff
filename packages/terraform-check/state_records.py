"""What event-flow.py and organization.py both read: the records to send, and an applied stack's
resources from its state (`terraform show -json`)."""

import json


def read_records(path):
    """A JSON list of records, or JSON Lines (one record a line)."""
    with open(path) as f:
        text = f.read()
    if path.endswith(".jsonl"):
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return json.loads(text)


def resources(state):
    """The state's resources, their values listed by resource type."""
    found = {}
    for resource in state["values"]["root_module"].get("resources", []):
        found.setdefault(resource["type"], []).append(resource["values"])
    return found
