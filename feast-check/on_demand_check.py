"""Feast's side of the on-demand view checks: what Feast 0.66 does with a registry holding
Skewless's TypeScript on-demand views, and Feast's own Python on-demand views for Skewless to read.

Run with the pinned venv (see setup-venv.sh). Every command prints one JSON document.

  read REPO FEATURE_REF ENTITY_ROWS_JSON
        lists the registry's views and on-demand views with Feast's SDK, and reads FEATURE_REF with
        get_online_features; each step reports its result or the exception Feast raised
  python-odfv REPO FEATURE_REF ENTITY_ROWS_JSON
        Feast's own answer for a Python on-demand view (the value Feast computes)
  stream-views REPO
        the stream feature views as Feast's SDK reads them, with their aggregations
"""
import json
import sys
import warnings

from cli import run

warnings.filterwarnings("ignore")


def attempt(fn):
    try:
        return {"ok": fn()}
    except Exception as e:  # the check reports what Feast raises, whatever it is
        return {"error": f"{type(e).__name__}: {e}"}


def read(repo, feature_ref, entity_rows_json):
    from feast import FeatureStore

    store = FeatureStore(repo_path=repo)
    rows = json.loads(entity_rows_json)
    return {
        "feature_views": attempt(lambda: sorted(v.name for v in store.list_feature_views())),
        "on_demand_feature_views": attempt(lambda: sorted(v.name for v in store.list_on_demand_feature_views())),
        "online": attempt(lambda: store.get_online_features(features=[feature_ref], entity_rows=rows).to_dict()),
    }


def python_odfv(repo, feature_ref, entity_rows_json):
    from feast import FeatureStore

    store = FeatureStore(repo_path=repo)
    return store.get_online_features(features=[feature_ref], entity_rows=json.loads(entity_rows_json)).to_dict()


def stream_views(repo):
    from feast import FeatureStore

    store = FeatureStore(repo_path=repo)
    return [
        {
            "name": v.name,
            "source": v.stream_source.name,
            "aggregations": [
                {"column": a.column, "function": a.function, "name": a.name,
                 "time_window": a.time_window.total_seconds(), "slide_interval": a.slide_interval.total_seconds()}
                for a in v.aggregations
            ],
        }
        for v in store.list_stream_feature_views()
    ]


def main(argv):
    return run(__doc__, {"read": read, "python-odfv": python_odfv, "stream-views": stream_views}, argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
