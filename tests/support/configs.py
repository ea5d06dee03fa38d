"""The project's own test configurations, tests/configs/*.yaml.

The tests never depend on the values in config/, which belongs to the team
(tests/repo/test_environments.py holds every config/*.yaml to the invariants).
"""

from __future__ import annotations

from settings import REPO_ROOT, Settings, load_settings

FIXTURES = REPO_ROOT / "tests" / "configs"
FIXTURE_ENVS = ("gke", "local", "keyed", "knobs", "shared", "autopilot", "e2e")


def fixture_settings(env: str) -> Settings:
    return load_settings(env, folder=FIXTURES)
