"""Feast 0.66's remote online store client against a feature server (`feast serve` or `skewless serve`).

    remote_check.py run REGISTRY URL    every scenario below, one JSON document of their outcomes
    remote_check.py all REGISTRY URL    {"client": the scenarios, "server_tests": server_tests.py's results}
                                        (one Python start for both: Feast's imports take seconds)

The client is configured as Feast documents it (`online_store: type: remote, path: URL`), reading
the server's registry file; each scenario is a call Feast's users make (`get_online_features`,
`push`, `write_to_online_store`). Outcomes keep Python types (`float:178.0` is not `int:178`) and
exception classes, so two servers can be compared exactly.
"""
import datetime as dt
import math
import os
import sys

import pandas as pd

from cli import run as run_cli

BIG_KEY = 4611686018427387905   # 2^62 + 1
BIG_VALUE = 9007199254740993     # 2^53 + 1
STATS = ["driver_stats:rating", "driver_stats:acc", "driver_stats:trips", "driver_stats:joined",
         "driver_stats:scores", "driver_stats:weights"]


def typed(value):
    """A value with its Python type, lists element by element (NaN spelled so it compares equal)."""
    if isinstance(value, (list, tuple)):
        return [typed(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return "float:nan"
    if isinstance(value, dt.datetime):
        return f"datetime:{value.astimezone(dt.timezone.utc).isoformat()}"
    return f"{type(value).__name__}:{value!r}"


def outcome(call):
    """What a call gave: its value, or the class of what it raised (where Feast's client rebuilt it from)."""
    try:
        return {"value": call()}
    except Exception as e:  # noqa: BLE001 - the class is the outcome
        return {"raised": f"{type(e).__module__}.{type(e).__name__}"}


def client(registry, url):
    from feast import FeatureStore, RepoConfig
    # the server's repo folder, so that the offline store finds the sources' relative paths
    repo = os.path.dirname(os.path.dirname(registry))
    config = RepoConfig(
        repo_path=repo,
        project=os.environ.get("FEAST_CHECK_PROJECT", "wire"),
        registry={"registry_type": "file", "path": registry, "cache_ttl_seconds": 0},
        provider="local",
        online_store={"type": "remote", "path": url},
        entity_key_serialization_version=3,
    )
    return FeatureStore(config=config, repo_path=repo)


def read(store, features, rows, full=False):
    """Values by column, and each column's statuses as the client got them (`column:status`)."""
    from feast.protos.feast.serving.ServingService_pb2 import FieldStatus
    response = store.get_online_features(features=features, entity_rows=rows, full_feature_names=full)
    out = {name: typed(values) for name, values in sorted(response.to_dict().items())}
    proto = response.proto
    for name, vector in zip(proto.metadata.feature_names.val, proto.results):
        out[f"{name}:status"] = [FieldStatus.Name(s) for s in vector.statuses]
    return out


def stats_df(driver_ids, rating, trips, when):
    return pd.DataFrame({
        "driver_id": pd.array(driver_ids, dtype="int64"),
        "rating": [rating] * len(driver_ids),
        "acc": pd.array([0.5] * len(driver_ids), dtype="float32"),
        "trips": pd.array(trips, dtype="int64"),
        "joined": [pd.Timestamp("2025-01-01T00:00:01Z")] * len(driver_ids),
        "scores": [[1.0, 2.0]] * len(driver_ids),
        "weights": [[0.25]] * len(driver_ids),
        "event_timestamp": [pd.Timestamp(when)] * len(driver_ids),
        "created": [pd.Timestamp(when)] * len(driver_ids),
    })


def scenarios(registry, url):
    store = client(registry, url)
    out = {}
    def offline():
        entity_df = pd.DataFrame({"driver_id": [1, 2, 3], "event_timestamp": [pd.Timestamp("2026-01-01T12:00:00Z")] * 3})
        table = store.get_historical_features(entity_df=entity_df, features=["driver_stats:rating", "driver_stats:scores"]).to_arrow()
        return {name: typed(values) for name, values in sorted(table.to_pydict().items()) if name != "event_timestamp"}
    out["offline: Infinity and NaN"] = outcome(offline)
    out["read every type"] = outcome(lambda: read(store, STATS, [{"driver_id": 1}, {"driver_id": 3}, {"driver_id": 99}]))
    out["read a stored Infinity"] = outcome(lambda: read(store, ["driver_stats:rating"], [{"driver_id": 2}]))
    out["read a feature service, full names"] = outcome(lambda: read(store, store.get_feature_service("driver_svc"), [{"driver_id": 1}], full=True))
    out["read a compound key"] = outcome(lambda: read(store, ["trip_stats:fare"], [{"driver_id": 1, "rider_id": 10}, {"driver_id": 1, "rider_id": 12}]))
    out["read an unknown view"] = outcome(lambda: read(store, ["nope:x"], [{"driver_id": 1}]))
    out["read an unknown feature service"] = outcome(lambda: read(store, store.get_feature_service("nope"), [{"driver_id": 1}]))
    out["read clashing names"] = outcome(lambda: read(store, ["driver_stats:rating", "driver_stats:rating"], [{"driver_id": 1}]))

    def push():
        store.push("driver_push", stats_df([BIG_KEY, 41], 4.0, [BIG_VALUE, 7], "2026-01-03T00:00:00Z"))
        return read(store, ["driver_stats:rating", "driver_stats:trips", "driver_stats:scores"], [{"driver_id": BIG_KEY}, {"driver_id": BIG_KEY - 1}, {"driver_id": 41}])
    out["push, then read"] = outcome(push)

    def write():
        store.write_to_online_store("driver_stats", stats_df([51], 5.0, [8], "2026-01-03T00:00:00Z"))
        return read(store, STATS, [{"driver_id": 51}])
    out["write_to_online_store, then read"] = outcome(write)
    def write_non_finite():
        df = stats_df([61, 62], 0.0, [1, 2], "2026-01-03T00:00:00Z")
        # requests refuses to put Infinity or NaN in JSON, so the client fails before any server sees it
        df["rating"] = [float("nan"), float("inf")]
        df["scores"] = [[float("nan"), 1.0], [float("-inf")]]
        store.write_to_online_store("driver_stats", df)
        return read(store, ["driver_stats:rating", "driver_stats:trips"], [{"driver_id": 61}, {"driver_id": 62}][:1]) | \
            read(store, ["driver_stats:trips", "driver_stats:acc"], [{"driver_id": 62}])
    out["write_to_online_store with NaN and Infinity, then read"] = outcome(write_non_finite)
    out["push to an unknown source"] = outcome(lambda: store.push("nope", stats_df([1], 1.0, [1], "2026-01-03T00:00:00Z")))
    return out


def everything(registry, url):
    import server_tests
    return {"client": scenarios(registry, url), "server_tests": server_tests.run_all(url)}


def main(argv):
    return run_cli(__doc__, {"run": scenarios, "all": everything}, argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
