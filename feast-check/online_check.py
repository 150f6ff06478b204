"""Feast's side of the Skewless online compatibility checks: Feast 0.66 reads and writes the
SQLite, Redis and DynamoDB online stores of a feature repo whose registry Skewless wrote.

Run with the pinned venv (see setup-venv.sh). Every command prints one JSON document.

  write-data DATA_DIR              parquet sources with exact arrow types (int32, int64, float32, ...)
  materialize REPO START END       Feast's FeatureStore.materialize (ISO 8601 times)
  read REPO REQUESTS_JSON          Feast's get_online_features for each request in a JSON list of
                                   {"features": [...], "entity_rows": [...], "full_feature_names": false}.
                                   Prints, per request and output column, each value's oneof member,
                                   serialized bytes (hex) and status.
  infra REPO                       the registry's infra objects as Feast loads them: [class, name] pairs
"""
import json
import os
import sys
import warnings
from datetime import datetime, timedelta, timezone

from cli import run

warnings.filterwarnings("ignore")
# Feast's SQLite store turns naive UTC datetimes into epoch seconds through the local zone.
os.environ["TZ"] = "UTC"

BASE = datetime(2024, 5, 1, tzinfo=timezone.utc)


def feature_columns(pa, n, seed):
    """Every scalar and list type a view can declare, with nulls in some rows."""
    def pick(i, value):
        return None if (i + seed) % 5 == 4 else value

    return {
        "f_int32": pa.array([pick(i, (i * 7919 + seed) % 2000 - 1000) for i in range(n)], pa.int32()),
        "f_int64": pa.array([pick(i, (i + seed) * 4_000_000_019 - 2**40) for i in range(n)], pa.int64()),
        "f_float32": pa.array([pick(i, (i + seed) / 8 - 0.1) for i in range(n)], pa.float32()),
        "f_float64": pa.array([pick(i, (i + seed) * 1.1e-3 - 1e-9) for i in range(n)], pa.float64()),
        "f_string": pa.array([pick(i, f"name-{i}-é-{seed}") for i in range(n)], pa.string()),
        "f_bool": pa.array([pick(i, (i + seed) % 2 == 0) for i in range(n)], pa.bool_()),
        "f_bytes": pa.array([pick(i, bytes([i % 256, 0, 255, seed % 256])) for i in range(n)], pa.binary()),
        "f_ts": pa.array([pick(i, BASE - timedelta(days=i, seconds=seed)) for i in range(n)], pa.timestamp("us", tz="UTC")),
        "f_int64_list": pa.array([pick(i, [i, -i, 2**40 + seed]) for i in range(n)], pa.list_(pa.int64())),
        "f_string_list": pa.array([pick(i, [f"a{i}", "", "z"]) if i % 3 else [] for i in range(n)], pa.list_(pa.string())),
        "f_float64_list": pa.array([pick(i, [i / 3, -0.5]) for i in range(n)], pa.list_(pa.float64())),
        "f_bool_list": pa.array([pick(i, [True, i % 2 == 1]) for i in range(n)], pa.list_(pa.bool_())),
    }


def write_data(data_dir):
    import pyarrow as pa
    import pyarrow.parquet as pq

    os.makedirs(data_dir, exist_ok=True)
    n = 12
    keys = {
        "store_stats": {"store_id": pa.array([100 + i % 6 for i in range(n)], pa.int32())},
        "driver_stats": {"driver_id": pa.array([2**33 + i % 6 for i in range(n)], pa.int64())},
        "city_stats": {"city_id": pa.array([f"city-{i % 6}" for i in range(n)], pa.string())},
        "driver_city_stats": {
            "driver_id": pa.array([2**33 + i % 3 for i in range(n)], pa.int64()),
            "city_id": pa.array([f"city-{i % 2}" for i in range(n)], pa.string()),
        },
    }
    written = {}
    for seed, (view, key_columns) in enumerate(keys.items()):
        # two rows per entity: the later one (i >= 6) must win; created breaks no ties here
        event = [BASE - timedelta(hours=2 if i < 6 else 1, seconds=i) for i in range(n)]
        created = [e + timedelta(minutes=5) for e in event]
        columns = dict(key_columns)
        columns["event_timestamp"] = pa.array(event, pa.timestamp("us", tz="UTC"))
        columns["created"] = pa.array(created, pa.timestamp("us", tz="UTC"))
        columns.update(feature_columns(pa, n, seed))
        path = os.path.join(data_dir, f"{view}.parquet")
        pq.write_table(pa.table(columns), path)
        written[view] = path
    return {"files": written, "start": (BASE - timedelta(days=1)).isoformat(), "end": BASE.isoformat()}


def materialize(repo, start, end):
    import contextlib

    from feast import FeatureStore

    store = FeatureStore(repo_path=repo)
    # Feast prints progress on stdout, which carries this script's JSON
    with contextlib.redirect_stdout(sys.stderr):
        store.materialize(datetime.fromisoformat(start), datetime.fromisoformat(end))
    return {"ok": True}


def read(repo, requests_json):
    from feast import FeatureStore

    store = FeatureStore(repo_path=repo)
    return [read_one(store, request) for request in json.loads(requests_json)]


def read_one(store, request):
    response = store.get_online_features(
        features=request["features"],
        entity_rows=request["entity_rows"],
        full_feature_names=request.get("full_feature_names", False),
    )
    proto = response.proto
    names = list(proto.metadata.feature_names.val)
    columns = {}
    for name, vector in zip(names, proto.results):
        columns[name] = {
            "types": [v.WhichOneof("val") for v in vector.values],
            "hex": [v.SerializeToString().hex() for v in vector.values],
            "statuses": [int(s) for s in vector.statuses],
        }
    return {"feature_names": names, "columns": columns}


def infra(repo):
    from feast import FeatureStore

    store = FeatureStore(repo_path=repo)
    objects = store.registry.get_infra(store.project, allow_cache=False).infra_objects
    return sorted([type(o).__name__, o.name] for o in objects)


def main(argv):
    return run(__doc__, {"write-data": write_data, "materialize": materialize, "read": read, "infra": infra}, argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
