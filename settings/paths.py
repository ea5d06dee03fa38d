"""Where the repository and its configuration live (every other module derives from these)."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = REPO_ROOT / "config"
DIST = REPO_ROOT / "dist"
# The manifests only `make upgrade` applies (the schema migration Job), in a subfolder of an
# environment's manifests folder, which `kubectl apply -f <folder>` does not descend into. The
# hyphen keeps it apart from dist/<env>/ folders: environment names have none (rules.ENVIRONMENT).
UPGRADE_SUBDIR = "upgrade-job"
