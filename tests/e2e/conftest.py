"""The e2e environment: PostgreSQL, the GCS emulator and the pod from dist/, once per session
(tests/e2e/cluster.py), and the ingress with IAP in front of it (tests/e2e/ingress.py).

Everything started here is stopped in finalizers (also when a test fails) and every temporary
folder is removed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from settings import REPO_ROOT, Settings
from tests.e2e.cluster import (
    ANOTHER_APP_ID,
    BACKEND_SERVICE_ID,
    CLIENT_AUDIENCE,
    MEMBERS,
    MIGRATE,
    SERVER,
    Cluster,
    make_passphrase,
    make_password,
    running_cluster,
)
from tests.e2e.ingress import IngressStandIn
from tests.support.google_standin import GoogleStandIn, google_standin

# What the e2e tests import from here (the names live in tests/e2e/cluster.py).
__all__ = [
    "ANOTHER_APP_ID",
    "BACKEND_SERVICE_ID",
    "CLIENT_AUDIENCE",
    "MIGRATE",
    "SERVER",
    "Cluster",
    "make_passphrase",
    "make_password",
    "run_client",
]

# The manifests under test: tests/configs/e2e.yaml's, synthesized per session, so that no e2e
# test depends on the team's config/ (whose dist/ tests/repo/test_environments.py checks).
# E2E_MANIFESTS only to try a candidate folder of that fixture's manifests by hand.
CANDIDATE = Path(os.environ["E2E_MANIFESTS"]) if os.environ.get("E2E_MANIFESTS") else None


@pytest.fixture(scope="session")
def manifests_dir(tmp_path_factory: pytest.TempPathFactory, e2e_settings: Settings) -> Path:
    """The e2e fixture's manifests, synthesized by the project's cdk8s app into a fresh folder."""
    if CANDIDATE is not None:
        return CANDIDATE
    from k8s.app import synth

    outdir = tmp_path_factory.mktemp("e2e-dist")
    synth(e2e_settings, outdir=outdir)
    return outdir


@pytest.fixture(scope="session")
def google() -> Iterator[GoogleStandIn]:
    """IAP's key set and Google's token endpoint, with keys made for this run."""
    with google_standin() as standin:
        yield standin


@pytest.fixture(scope="session")
def cluster(
    e2e_settings: Settings, manifests_dir: Path, google: GoogleStandIn
) -> Iterator[Cluster]:
    with running_cluster(e2e_settings, manifests_dir, google) as c:
        yield c


@pytest.fixture(scope="session")
def ingress(cluster: Cluster, google: GoogleStandIn) -> Iterator[IngressStandIn]:
    """The load balancer + IAP in front of the session's server (tests/e2e/ingress.py)."""
    standin = IngressStandIn(
        google,
        host=cluster.settings.ingress.host,
        server_port=cluster.container_port,
        audience=cluster.audience,
        client_audience=CLIENT_AUDIENCE,
        members=(*MEMBERS, *cluster.settings.auth.admins),
    )
    try:
        yield standin
    finally:
        standin.cleanup()


def run_client(cluster: Cluster, script: Path, *args: str, timeout: float = 240) -> str:
    """Run a client script as a process in the cluster would (in-cluster URL and Host)."""
    env = {
        **os.environ,
        "MLFLOW_TRACKING_URI": cluster.tracking_uri,
        "E2E_CLUSTER_DNS": cluster.dns_spec,
        "PYTHONPATH": str(REPO_ROOT),
    }
    env.pop("STORAGE_EMULATOR_HOST", None)  # the client has no GCS access: the server proxies
    proc = subprocess.run(
        [sys.executable, str(REPO_ROOT / "tests" / "e2e" / "in_cluster.py"), str(script), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-6000:]
    return proc.stdout
