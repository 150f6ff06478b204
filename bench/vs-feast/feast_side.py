"""Feast 0.66's side of `npm run bench:vs-feast`: the same operations Skewless runs, on the same
feature repo (a registry Skewless applied), timed inside Feast's process so its start-up and
imports are not counted. Each command prints one JSON document.

  materialize REPO                         FeatureStore.materialize over the data's window
  online REPO FEATURES POPULATION ENTITIES CALLS SEED
                                           get_online_features(...).to_dict() CALLS times for ENTITIES
                                           pseudo-random ids (the same sequence as Skewless's side)
  historical REPO FEATURES ENTITY_PARQUET  get_historical_features(...).to_df()
"""
import json
import os
import sys
import time
import warnings
from datetime import datetime, timezone

warnings.filterwarnings("ignore")
os.environ["TZ"] = "UTC"


def ids(population, entities, calls, seed):
    """The benchmark's linear congruential sequence (bench/vs-feast/measure.ts)."""
    s = seed
    out = []
    for _ in range(calls):
        row = []
        for _ in range(entities):
            s = (s * 1103515245 + 12345) % 2**32
            row.append(s % population)
        out.append(row)
    return out


def percentiles(times):
    times = sorted(times)
    n = len(times)
    return {"p50": times[n // 2], "p99": times[min(n - 1, int(0.99 * n))], "calls": n}


def main():
    command, repo = sys.argv[1], sys.argv[2]
    from feast import FeatureStore

    store = FeatureStore(repo_path=repo)
    if command == "materialize":
        # `feast apply` would create the online tables; the registry came from Skewless, so ask Feast's provider directly
        store._get_provider().update_infra(
            project=store.project, tables_to_delete=[], tables_to_keep=store.list_feature_views(),
            entities_to_delete=[], entities_to_keep=store.list_entities(), partial=False,
        )
        started = time.perf_counter()
        store.materialize(datetime(2024, 4, 1, tzinfo=timezone.utc), datetime(2024, 5, 2, tzinfo=timezone.utc))
        print(json.dumps({"seconds": time.perf_counter() - started}))
    elif command == "online":
        features = json.loads(sys.argv[3])
        population, entities, calls, seed = (int(x) for x in sys.argv[4:8])
        warm = ids(population, entities, max(10, calls // 10), seed + 1000)
        for row in warm:
            store.get_online_features(features=features, entity_rows=[{"user_id": i} for i in row]).to_dict()
        times = []
        present = None
        for row in ids(population, entities, calls, seed):
            rows = [{"user_id": i} for i in row]
            t0 = time.perf_counter()
            result = store.get_online_features(features=features, entity_rows=rows).to_dict()
            times.append((time.perf_counter() - t0) * 1000)
            if present is None:
                present = sum(v is not None for v in result[features[0].split(":")[1]])
        if not present:
            raise SystemExit("Feast found nothing in its online store: was it materialized?")
        print(json.dumps(percentiles(times)))
    elif command == "historical":
        import pandas as pd

        features = json.loads(sys.argv[3])
        entity_df = pd.read_parquet(sys.argv[4])
        started = time.perf_counter()
        df = store.get_historical_features(entity_df=entity_df, features=features).to_df()
        print(json.dumps({"seconds": time.perf_counter() - started, "rows": len(df)}))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
