"""mlflow_server/.dockerignore: the build context holds what the Dockerfile copies, and no more.

The context is a whitelist (`*`, then `!` exceptions), so a COPY source without its exception
is missing at build time ("COPY failed: ... excluded by .dockerignore") on Cloud Build, and
nothing here builds the image to notice. The files a COPY needs are the tracked ones; what
running the code here leaves in the same folders (__pycache__/, the editable install's
*.egg-info/) must stay out.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from settings import REPO_ROOT
from tests.image.dockerfile import (
    SERVER_DIR,
    build_context,
    copy_sources,
    ignore_rules,
    missing_sources,
)

# Docker sends these two whatever the rules say (docker-py's exclude_paths adds them too).
ALWAYS_SENT = {"Dockerfile", ".dockerignore"}


def _tracked() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--", str(SERVER_DIR)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [REPO_ROOT / p for p in out.split("\0") if p]


def test_every_copy_source_is_in_the_build_context() -> None:
    assert copy_sources() == [
        "requirements.txt",
        "constraints.txt",
        "gcs_not_found",
        "iap_auth",
        "entrypoint",
    ]
    assert missing_sources(ignore_rules(), _tracked()) == []


def test_the_build_context_holds_only_tracked_files_that_a_copy_reads() -> None:
    tracked = {str(f.relative_to(SERVER_DIR)) for f in _tracked()}
    context = build_context(ignore_rules())
    assert context - ALWAYS_SENT <= tracked, "untracked files in the context"
    sources = copy_sources()
    read = {f for f in context for s in sources if f == s or f.startswith(s + "/")}
    assert context - ALWAYS_SENT - read == set()
    # The package's own module is in, and so is the plugin's data file.
    assert "entrypoint/mlflow_entrypoint/contract.py" in context
    assert "iap_auth/mlflow_iap_auth/auth.ini" in context


def test_a_copy_source_without_its_exception_is_caught() -> None:
    """The check fails on the mistake it exists for: the IAP plugin, copied by the Dockerfile,
    without its lines in .dockerignore (as it was before this test)."""
    rules = [r for r in ignore_rules() if not r.startswith("!iap_auth/")]
    assert missing_sources(rules, _tracked()) == ["iap_auth"]
    # Half a package is caught too: its data file left out.
    rules = [r for r in ignore_rules() if r != "!iap_auth/mlflow_iap_auth/auth.ini"]
    assert missing_sources(rules, _tracked()) == ["iap_auth"]
