"""What two environments of one config folder must not share, checked before any synth.

Each environment is valid alone; together they must not claim the same ingress host (one
managed certificate and one IAP host condition per host), the same namespace of one cluster, or
a resource of the same name in the same project (Terraform state per environment: the second
`make deploy` would fail on "already exists", or worse, adopt and later destroy the first's).
Bucket names are global: they must differ across all projects.
"""

from __future__ import annotations

from collections.abc import Iterable

from settings.model import Settings
from settings.targets import CreatedGke, ExistingGke

# Names of what each environment's stack creates in its project (settings/names.py).
_PROJECT_NAMES = (
    "sql_instance",
    "workload_sa_id",
    "build_sa_id",
    "registry_repository",
    "static_ip",
    "ssl_policy",
    "db_password_secret",
    "kek_secret",
    "builder_role",
    "backend_lister_role",
    "federation_pool",
)
# Only on a cluster this project creates: the VPC and the cluster are the team's otherwise.
_CREATED_GKE_NAMES = (
    "node_sa_id",
    "network",
    "subnet",
    "router",
    "nat",
    "private_dns_zone",
    "gstatic_dns_zone",
    "cluster",
)
_GLOBAL_NAMES = ("bucket", "build_bucket")


def _claims(s: Settings) -> Iterable[tuple[tuple[str, ...], str]]:
    """(what is claimed, the words that name it) for one environment."""
    n, target = s.names, s.target
    if target.is_gke:
        yield ("host", s.ingress.host), f"ingress.host {s.ingress.host!r}"
    cluster = (
        (target.project, n.cluster) if isinstance(target, CreatedGke | ExistingGke) else ("local",)
    )
    yield ("namespace", *cluster, n.namespace), f"namespace {n.namespace!r} of the same cluster"
    fields = _PROJECT_NAMES + (_CREATED_GKE_NAMES if isinstance(target, CreatedGke) else ())
    for field in fields:
        value = getattr(n, field)
        yield ("name", s.project_id, field, value), f"{field} {value!r} in project {s.project_id}"
    for field in _GLOBAL_NAMES:
        value = getattr(n, field)
        yield ("bucket", value), f"bucket {value!r} (bucket names are global)"


def conflicts(environments: Iterable[Settings]) -> list[str]:
    """One message per claim two environments share."""
    owner: dict[tuple[str, ...], str] = {}
    found = []
    for s in environments:
        for key, words in _claims(s):
            first = owner.setdefault(key, s.environment)
            if first != s.environment:
                found.append(f"environments {first!r} and {s.environment!r} both use {words}")
    return found
