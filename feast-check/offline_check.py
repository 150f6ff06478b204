"""Feast's side of the offline push checks: what Feast 0.66's get_historical_features reads.

  historical REPO FEATURES ENTITIES   FEATURES: comma-separated view:feature references;
                                      ENTITIES: JSON list of {join key: value, "event_timestamp": ISO};
                                      prints the rows (entity columns and features) in entity order
"""
import json
import sys
import warnings

from cli import run

warnings.filterwarnings("ignore")


def historical(repo, features, entities):
    import pandas as pd
    from feast import FeatureStore

    entity_df = pd.DataFrame(json.loads(entities))
    entity_df["event_timestamp"] = pd.to_datetime(entity_df["event_timestamp"], utc=True)
    entity_df["__order"] = range(len(entity_df))
    df = FeatureStore(repo_path=repo).get_historical_features(entity_df=entity_df, features=features.split(",")).to_df()
    df = df.sort_values("__order").drop(columns=["__order"])
    df["event_timestamp"] = df["event_timestamp"].map(lambda t: t.isoformat())
    return [{c: (None if v != v else v) for c, v in row.items()} for row in df.to_dict(orient="records")]


def main(argv):
    return run(__doc__, {"historical": historical}, argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
