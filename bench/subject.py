"""What the server benchmarks run: the e2e fixture's manifests, never the team's config/.

tests/configs/e2e.yaml is a GKE environment on the project's defaults with IAP identities on;
its manifests are synthesized by the project's cdk8s app into a temporary folder, so that the
figures are the same in every fork, whatever its config/dev.yaml says.
"""

from __future__ import annotations

import contextlib
import secrets
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from settings import REPO_ROOT, Settings, load_settings

if TYPE_CHECKING:
    from tests.support.manifests import Manifests
    from tests.support.pod import Pod

FIXTURE_ENV = "e2e"
# The ConfigMap entries that switch the auth mode off (mlflow-entrypoint reads them): the
# same pod as before IAP identities (k8s/auth.py Anonymous).
AUTH_OFF = {"SERVER_APP_NAME": "", "AUTH_DB_NAME": ""}


def subject_settings() -> Settings:
    return load_settings(FIXTURE_ENV, folder=REPO_ROOT / "tests" / "configs")


@contextlib.contextmanager
def synthesized(settings: Settings) -> Iterator[Path]:
    """The environment's manifests, in a folder removed afterwards."""
    from k8s.app import synth

    with tempfile.TemporaryDirectory(prefix="bench-manifests-") as folder:
        synth(settings, outdir=Path(folder))
        yield Path(folder)


def subject_pod(
    manifests: Manifests,
    deployment: dict[str, Any],
    *,
    db_password: str,
    pg_port: int,
    server_port: int,
    gcs_url: str,
    extra_env: Mapping[str, str] = {},
    overrides: Mapping[str, str] = AUTH_OFF,
) -> Pod:
    """The server's pod as the Deployment describes it, against the bench's PostgreSQL and GCS
    emulator: the password and a fresh KEK passphrase as the mounted files, free ports (a bench
    may run beside the e2e tests; clients still send the Service's Host header)."""
    from tests.support.pod import Pod, kek_document

    return Pod(
        manifests,
        deployment,
        secrets={},
        files={
            "DB_PASSWORD_FILE": db_password + "\n",
            "KEK_PASSPHRASE_FILE": kek_document(secrets.token_hex(32)),
        },
        extra_env={"STORAGE_EMULATOR_HOST": gcs_url, **extra_env},
        overrides={"DB_PORT": str(pg_port), "MLFLOW_PORT": str(server_port), **overrides},
    )
