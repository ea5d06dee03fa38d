"""Where the repository and its configuration live (every other module derives from these)."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = REPO_ROOT / "config"
DIST = REPO_ROOT / "dist"
