"""What the server benchmarks run: the e2e fixture's manifests, never the team's config/.

tests/configs/e2e.yaml is a GKE environment on the project's defaults with IAP identities on;
its manifests are synthesized by the project's cdk8s app into a temporary folder, so that the
figures are the same in every fork, whatever its config/dev.yaml says.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from settings import REPO_ROOT, Settings, load_settings

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
