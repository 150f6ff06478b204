"""Feast's side of the Skewless compatibility checks: what Feast 0.66 sees in a registry.

Run with the pinned venv (see setup-venv.sh). Every command prints one JSON document.

  describe REPO              objects Feast's FeatureStore lists for the repo's project
  dump REGISTRY_FILE         the registry as Feast's protobuf parses it (a dict per object)
  compare BEFORE AFTER       every object in dump BEFORE is present and unchanged in dump AFTER
"""
import json
import sys
import warnings

from cli import run

warnings.filterwarnings("ignore")


def describe(repo):
    from feast import FeatureStore

    store = FeatureStore(repo_path=repo)
    project = store.project

    def source(ds):
        if ds is None:
            return None
        out = {
            "name": ds.name,
            "class": type(ds).__name__,
            "path": getattr(ds, "path", None),
            "timestamp_field": ds.timestamp_field,
            "created_timestamp_column": ds.created_timestamp_column,
            "field_mapping": dict(ds.field_mapping or {}),
        }
        kafka = getattr(ds, "kafka_options", None)
        if kafka is not None:
            fmt = kafka.message_format
            out["kafka"] = {
                "bootstrap_servers": kafka.kafka_bootstrap_servers,
                "topic": kafka.topic,
                "format": type(fmt).__name__,
                "schema_json": fmt.schema_json,
                "watermark_delay_seconds": kafka.watermark_delay_threshold.total_seconds() if kafka.watermark_delay_threshold else None,
                "batch_source": source(ds.batch_source),
            }
        return out

    return {
        "project": project,
        "projects": sorted(p.name for p in store.list_projects()),
        "entities": [
            {"name": e.name, "join_key": e.join_key, "value_type": e.value_type.name, "tags": dict(e.tags)}
            for e in store.list_entities()
        ],
        "data_sources": [source(ds) for ds in store.list_data_sources()],
        "feature_views": [
            {
                "name": fv.name,
                "entities": list(fv.entities),
                "ttl_seconds": fv.ttl.total_seconds() if fv.ttl is not None else None,
                "online": fv.online,
                "features": [{"name": f.name, "dtype": str(f.dtype)} for f in fv.features],
                "entity_columns": [{"name": c.name, "dtype": str(c.dtype)} for c in fv.entity_columns],
                "batch_source": source(fv.batch_source),
                "stream_source": source(fv.stream_source),
                "tags": dict(fv.tags),
            }
            for fv in store.list_feature_views()
        ],
        "on_demand_feature_views": sorted(v.name for v in store.list_on_demand_feature_views()),
        "feature_services": [
            {
                "name": s.name,
                "projections": [
                    {"view": p.name, "alias": p.name_alias, "features": [f.name for f in p.features]}
                    for p in s.feature_view_projections
                ],
            }
            for s in store.list_feature_services()
        ],
    }


def dump(path):
    from google.protobuf.json_format import MessageToDict
    from feast.protos.feast.core.Registry_pb2 import Registry

    registry = Registry()
    with open(path, "rb") as f:
        registry.ParseFromString(f.read())
    return MessageToDict(registry, preserving_proto_field_name=True)


LIST_FIELDS = [
    "entities", "data_sources", "feature_views", "on_demand_feature_views", "stream_feature_views",
    "feature_services", "saved_datasets", "validation_references", "permissions", "projects",
    "label_views", "project_metadata", "feature_tables",
]


def key(field, obj):
    if field == "data_sources":
        return obj.get("project"), obj.get("name")
    if field == "project_metadata":
        return obj.get("project"), None
    spec = obj.get("spec", {})
    return spec.get("project"), spec.get("name")


def compare(before_path, after_path):
    with open(before_path) as f:
        before = json.load(f)
    with open(after_path) as f:
        after = json.load(f)
    missing, changed, kept = [], [], 0
    for field in LIST_FIELDS:
        after_objs = {key(field, o): o for o in after.get(field, [])}
        for obj in before.get(field, []):
            k = key(field, obj)
            if k not in after_objs:
                missing.append([field, *k])
            elif after_objs[k] != obj:
                changed.append([field, *k])
            else:
                kept += 1
    for field in ["infra", "feature_view_version_history"]:
        if field in before and before[field] != after.get(field):
            changed.append([field, None, None])
    return {"kept": kept, "missing": missing, "changed": changed}


def main(argv):
    return run(__doc__, {"describe": describe, "dump": dump, "compare": compare}, argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
