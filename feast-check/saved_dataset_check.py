"""Feast's side of the saved-dataset checks: what Feast 0.66 lists and reads, and a dataset Feast saves.

  list REPO                      saved datasets Feast's FeatureStore lists for the repo's project
  read REPO NAME                 get_saved_dataset(NAME).to_df(): columns and rows (sorted)
  create REPO NAME PATH FEATURE  create_saved_dataset from a historical retrieval of FEATURE (view:feature)
                                 for users 1001 and 1002 on 2024-01-02, stored as parquet at PATH
"""
import sys
import warnings

from cli import run

warnings.filterwarnings("ignore")


def _when(ts):
    return ts.isoformat() if ts else None


def list_datasets(repo):
    from feast import FeatureStore

    store = FeatureStore(repo_path=repo)
    return [
        {
            "name": d.name,
            "features": list(d.features),
            "join_keys": list(d.join_keys),
            "full_feature_names": d.full_feature_names,
            "path": d.storage.file_options.uri,
            "tags": dict(d.tags),
            "feature_service_name": d.feature_service_name,
            "created_timestamp": _when(d.created_timestamp),
            "min_event_timestamp": _when(d.min_event_timestamp),
            "max_event_timestamp": _when(d.max_event_timestamp),
        }
        for d in store.list_saved_datasets()
    ]


def read(repo, name):
    from feast import FeatureStore

    df = FeatureStore(repo_path=repo).get_saved_dataset(name).to_df()
    columns = sorted(df.columns)
    df = df.sort_values(by=[c for c in ("user_id", "event_timestamp") if c in df.columns])
    rows = [{c: (None if v != v else v) for c, v in zip(columns, row)} for row in df[columns].itertuples(index=False)]
    return {"columns": columns, "rows": rows}


def create(repo, name, path, feature):
    import pandas as pd
    from feast import FeatureStore
    from feast.infra.offline_stores.file_source import SavedDatasetFileStorage

    store = FeatureStore(repo_path=repo)
    entity_df = pd.DataFrame({
        "user_id": [1001, 1002],
        "event_timestamp": pd.to_datetime(["2024-01-02T00:00:00Z", "2024-01-02T00:00:00Z"]),
    })
    job = store.get_historical_features(entity_df=entity_df, features=[feature])
    store.create_saved_dataset(from_=job, name=name, storage=SavedDatasetFileStorage(path=path), tags={"made_by": "feast"})
    return {"created": name}


def main(argv):
    return run(__doc__, {"list": list_datasets, "read": read, "create": create}, argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
