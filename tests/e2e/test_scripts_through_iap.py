"""A script through the ingress and IAP, as a CI job runs one: examples/train.py with the client
plugin (client/, MLFLOW_TRACKING_AUTH=iap) and a service account's Application Default
Credentials. google-auth's real service-account code asks the stand-in token endpoint (the key
file's token_uri) for ID tokens that live 4 s, so a run (7 to 15 s here, longer on a busy
machine, never shorter) needs several: every request still arrives with a valid one (the
stand-in answers 401 to an expired token, which would fail the run), and the run is the service
account's. The lifetime is well under the shortest run seen (7.3 s on an idle machine), so
that a fast machine cannot finish within one token, and long enough (at least 3 s, the claims
being whole seconds) that a busy one cannot let a fresh token expire on its way to IAP."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from settings import REPO_ROOT
from tests.e2e.conftest import CLIENT_AUDIENCE, Cluster
from tests.e2e.ingress import IngressStandIn
from tests.support.google_standin import GoogleStandIn

pytestmark = pytest.mark.e2e

TRAIN = REPO_ROOT / "examples" / "train.py"
CI_ACCOUNT = "ci-trainer@my-mlflow-project.iam.gserviceaccount.com"
TOKEN_LIFETIME = 4


@pytest.fixture
def short_lived_tokens(google: GoogleStandIn) -> Iterator[None]:
    before = google.accounts.token_lifetime
    google.accounts.token_lifetime = TOKEN_LIFETIME
    try:
        yield
    finally:
        google.accounts.token_lifetime = before


def run_through_ingress(
    ingress: IngressStandIn, env: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    full = {
        **os.environ,
        "MLFLOW_TRACKING_URI": f"https://{ingress.host}",
        "MLFLOW_TRACKING_SERVER_CERT_PATH": str(ingress.ca_file),
        "E2E_CLUSTER_DNS": f"{ingress.host}:443=127.0.0.1:{ingress.port}",
        "PYTHONPATH": str(REPO_ROOT),
        **env,
    }
    for name in ("STORAGE_EMULATOR_HOST", "MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_AUTH"):
        if name not in env:
            full.pop(name, None)
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "tests" / "e2e" / "in_cluster.py"), str(TRAIN), *args],
        env=full,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_train_through_iap_refreshes_its_token(
    cluster: Cluster,
    ingress: IngressStandIn,
    google: GoogleStandIn,
    short_lived_tokens: None,
    tmp_path: Path,
) -> None:
    account = google.accounts.add_service_account(CI_ACCOUNT)
    ingress.iap.members.add(CI_ACCOUNT)
    key = account.write(tmp_path / "ci-key.json", google.token_uri)
    issued_before = len([c for c in google.accounts.issued if c["email"] == CI_ACCOUNT])
    decisions_before = len(ingress.iap.decisions)
    proc = run_through_ingress(
        ingress,
        {
            "MLFLOW_TRACKING_AUTH": "iap",
            "MLFLOW_IAP_AUDIENCE": CLIENT_AUDIENCE,
            "GOOGLE_APPLICATION_CREDENTIALS": str(key),
        },
        "--experiment",
        "ci-through-iap",
        "--run-name",
        "ci",
    )
    ended = time.time()
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    issued = [c for c in google.accounts.issued if c["email"] == CI_ACCOUNT][issued_before:]
    assert {c["aud"] for c in issued} == {CLIENT_AUDIENCE}
    assert all(c["exp"] - c["iat"] == TOKEN_LIFETIME for c in issued)
    # The run kept logging past its first token's expiry, on refreshed tokens, and no request
    # was refused for an expired one.
    assert ended - issued[0]["iat"] > TOKEN_LIFETIME, "the run was shorter than one token"
    assert len(issued) >= 2, issued
    mine = ingress.iap.decisions[decisions_before:]
    assert (CI_ACCOUNT, "bearer") in mine
    refused = [d for d in mine if d[0] != CI_ACCOUNT]
    assert not refused, refused
    run_id = dict(re.findall(r"^(run id): (\S+)$", proc.stdout, flags=re.M))["run id"]
    ((user,),) = cluster.pg.query(
        cluster.database, "SELECT user_id FROM runs WHERE run_uuid = %s", run_id
    )
    assert user == CI_ACCOUNT


def test_without_the_plugin_iap_sends_the_script_to_sign_in(
    cluster: Cluster, ingress: IngressStandIn
) -> None:
    before = len(ingress.iap.decisions)
    proc = run_through_ingress(ingress, {}, "--experiment", "no-credentials")
    assert proc.returncode != 0
    assert ("no identity", "none") in ingress.iap.decisions[before:]
    rows = cluster.pg.query(
        cluster.database, "SELECT 1 FROM experiments WHERE name = %s", "no-credentials"
    )
    assert rows == []
