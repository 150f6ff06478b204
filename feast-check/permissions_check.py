"""Feast's side of the permission checks: what Feast 0.66 reads and writes as permissions.

Run with the pinned venv (see setup-venv.sh). Every command prints one JSON document.

  list REPO                 the permissions Feast's FeatureStore lists for the repo's project
  apply REPO SPECS_JSON     registers permissions (Skewless's spec shape) with Feast's own FeatureStore.apply
  decide REPO SPECS_JSON CASES_JSON
                            Feast's enforce_policy decision, under the given permissions, for each
                            {user, view, actions} case on the repo's registered views
"""
import json
import sys
import warnings

from cli import run

warnings.filterwarnings("ignore")


def _policy_dict(policy):
    from feast.permissions.policy import (
        CombinedGroupNamespacePolicy, GroupBasedPolicy, NamespaceBasedPolicy, RoleBasedPolicy,
    )

    if isinstance(policy, RoleBasedPolicy):
        return {"type": "roleBased", "roles": list(policy.roles)}
    if isinstance(policy, GroupBasedPolicy):
        return {"type": "groupBased", "groups": list(policy.groups)}
    if isinstance(policy, NamespaceBasedPolicy):
        return {"type": "namespaceBased", "namespaces": list(policy.namespaces)}
    if isinstance(policy, CombinedGroupNamespacePolicy):
        return {"type": "combinedGroupNamespace", "groups": list(policy.groups), "namespaces": list(policy.namespaces)}
    return {"type": type(policy).__name__}


def list_permissions(repo):
    from feast import FeatureStore

    store = FeatureStore(repo_path=repo)
    return [
        {
            "name": p.name,
            "types": [t.__name__ for t in p.types],
            "namePatterns": list(p.name_patterns),
            "requiredTags": dict(p.required_tags or {}),
            "actions": [a.name for a in p.actions],
            "policy": _policy_dict(p.policy),
            "tags": dict(p.tags or {}),
        }
        for p in store.list_permissions()
    ]


def _policy(spec):
    from feast.permissions.policy import (
        CombinedGroupNamespacePolicy, GroupBasedPolicy, NamespaceBasedPolicy, RoleBasedPolicy,
    )

    kind = spec["type"]
    if kind == "roleBased":
        return RoleBasedPolicy(roles=spec["roles"])
    if kind == "groupBased":
        return GroupBasedPolicy(groups=spec["groups"])
    if kind == "namespaceBased":
        return NamespaceBasedPolicy(namespaces=spec["namespaces"])
    return CombinedGroupNamespacePolicy(groups=spec["groups"], namespaces=spec["namespaces"])


def _permission(spec):
    from feast.feast_object import ALL_RESOURCE_TYPES
    from feast.permissions.action import AuthzedAction
    from feast.permissions.permission import Permission

    types = {t.__name__: t for t in ALL_RESOURCE_TYPES}
    return Permission(
        name=spec["name"],
        types=[types[t] for t in spec.get("types", [])],
        name_patterns=spec.get("namePatterns", []),
        required_tags=spec.get("requiredTags") or None,
        actions=[AuthzedAction[a] for a in spec["actions"]],
        policy=_policy(spec["policy"]),
        tags=spec.get("tags") or None,
    )


def apply(repo, specs_file):
    from feast import FeatureStore

    with open(specs_file) as f:
        specs = json.load(f)
    store = FeatureStore(repo_path=repo)
    store.apply([_permission(s) for s in specs])
    return {"applied": [s["name"] for s in specs]}


def decide(repo, specs_file, cases_file):
    """Feast's own matcher and decision logic (the code `feast serve` runs) on registry objects."""
    from feast import FeatureStore
    from feast.errors import FeastPermissionError
    from feast.permissions.action import AuthzedAction
    from feast.permissions.enforcer import enforce_policy
    from feast.permissions.user import User

    with open(specs_file) as f:
        permissions = [_permission(s) for s in json.load(f)]
    with open(cases_file) as f:
        cases = json.load(f)
    store = FeatureStore(repo_path=repo)
    out = []
    for case in cases:
        u = case["user"]
        user = User(u["name"], u.get("roles", []), u.get("groups", []), u.get("namespaces", []))
        resource = store.get_feature_view(case["view"])
        try:
            enforce_policy(permissions, user, [resource], [AuthzedAction[a] for a in case["actions"]])
            out.append({"allowed": True})
        except FeastPermissionError as e:
            out.append({"allowed": False, "message": str(e)})
    return out


def main(argv):
    return run(__doc__, {"list": list_permissions, "apply": apply, "decide": decide}, argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
