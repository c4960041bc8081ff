"""Reads back what a stream with record format conversion wrote: Parquet objects (the magic PAR1 at
both ends), their rows as the JSON records they were converted from, keys lowercased as the table's
columns name them. Used by event-flow.py when the applied stream converts to Parquet; DuckDB is in
.venv-mock for ministack's own conversion (mock-requirements.txt).
"""

import json
import os
import tempfile

MAGIC = b"PAR1"


def converts(s3_config):
    """True when the applied extended_s3_configuration converts records to Parquet."""
    blocks = s3_config.get("data_format_conversion_configuration") or []
    return bool(blocks) and blocks[0].get("enabled", True)


def is_parquet(body):
    return len(body) >= 8 and body[:4] == MAGIC and body[-4:] == MAGIC


def rows(body):
    """The rows of one Parquet object as JSON objects, without the fields that are null."""
    import duckdb

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "object.parquet")
        with open(path, "wb") as handle:
            handle.write(body)
        connection = duckdb.connect()
        try:
            found = connection.execute(f"SELECT to_json(t)::VARCHAR FROM read_parquet('{path}', hive_partitioning = false) AS t").fetchall()
        finally:
            connection.close()
    return [strip_nulls(json.loads(row[0])) for row in found]


def strip_nulls(value):
    if isinstance(value, list):
        return [strip_nulls(v) for v in value]
    if isinstance(value, dict):
        return {k: strip_nulls(v) for k, v in value.items() if v is not None}
    return value
