"""The values the Makefile's lifecycle targets use, as `KEY=value` words on one line.

    DEPLOY_ENV=dev .venv/bin/python -m ops.makevars

The Makefile reads them once (`_settings`). On bad input it prints the config error on stderr,
which make passes through untouched (no `$` or `)` of a rule's pattern eaten, every line kept),
and exits 2; the Makefile then stops, `make -n` included: a target never renders a command with
an empty name.
"""

from __future__ import annotations

import os
import sys

from settings.database import Login
from settings.errors import ConfigError
from settings.load import load_settings, manifests_dir
from settings.modes import Edge
from settings.targets import CreatedGke, ExistingGke, ExternalCluster
from settings.versions import MLFLOW_VERSION


def values() -> dict[str, object]:
    s = load_settings()
    n, target = s.names, s.target
    gke = target if isinstance(target, CreatedGke | ExistingGke) else None
    local = target.local if isinstance(target, ExternalCluster) else None
    # A cluster this project creates has its own guard; the team's cluster is not ours to delete.
    cluster_guard = isinstance(target, CreatedGke) and target.cluster.deletion_protection
    protected = s.database.deletion_protection or cluster_guard
    return {
        "PLATFORM": s.platform.value,
        "PROJECT": s.project_id,
        "REGION": s.region,
        "TF_STACK": n.terraform_stack,
        "OUTDIR": os.path.relpath(manifests_dir(s)),
        "NAMESPACE": n.namespace,
        "SERVICE": n.service,
        "CLUSTER": n.cluster,
        "CLUSTER_LOCATION": gke.location if gke else "",
        "CLUSTER_PROJECT": target.project,
        "KUBE_CONTEXT": gke.kube_context(n.cluster) if gke else "",
        # `make credentials` talks to the DNS-based endpoint of a cluster this project creates
        # (network.control_plane dns): get-credentials --dns-endpoint.
        "DNS_ENDPOINT": "yes" if gke and gke.dns_endpoint else "no",
        "IMAGE_TAG": s.server.image_tag,
        "MLFLOW_VERSION": MLFLOW_VERSION,
        "SQL_INSTANCE": n.sql_instance,
        "CUSTOM_IMAGE": s.server.image or "",
        "REPOSITORY": n.registry_repository,
        "BUILD_SA": n.build_sa_email,
        "BUILD_BUCKET": n.build_bucket,
        # A private pool (registry.build_pool), e.g. inside a VPC Service Controls perimeter.
        "BUILD_POOL": s.registry.build_pool or "",
        "BUILD_POOL_REGION": s.registry.build_pool_region or "",
        "DB_PASSWORD_SECRET": n.db_password_secret,
        # database.auth iam on GKE: `make apply` runs the one-time bootstrap (ops/db_bootstrap.py).
        # encryption: `make deploy` creates the lazily made service agents (ops/service_agents.py).
        "CMEK": "yes" if s.encryption.enabled else "no",
        "DB_BOOTSTRAP": "yes" if target.is_gke and s.database.auth is Login.IAM else "no",
        "LOCAL_KEYED": "yes" if local and not local.federated else "no",
        "JWKS_FILE": (local.jwks_file or "") if local else "",
        "OIDC_ISSUER": (local.oidc_issuer or "") if local else "",
        "SERVICE_PORT": local.service_port if local else s.server.port,
        "PROTECTED": "yes" if protected else "no",
        # The chart whose objects hold the load balancer (and so the static IP): `make destroy`
        # deletes it first and waits for its controller. None on the LoadBalancer Service edge.
        "EDGE_CHART": EDGE_CHARTS.get(s.modes.edge, ""),
    }


EDGE_CHARTS = {Edge.INGRESS: "30-ingress", Edge.GATEWAY: "30-gateway"}


def main() -> int:
    try:
        print(" ".join(f"{k}={v}" for k, v in values().items()))
    except ConfigError as exc:
        # On stderr: $(shell) captures only stdout, which make would re-expand ($) and join.
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
