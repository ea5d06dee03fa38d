"""The project's own test configurations, tests/configs/*.yaml.

The tests never depend on the values in config/, which belongs to the team
(tests/repo/test_environments.py holds every config/*.yaml to the invariants).
"""

from __future__ import annotations

from settings import REPO_ROOT, Settings, load_settings
from settings.contract import (
    LIMITS_BODY_BUDGET_BYTES_ENV,
    LIMITS_BODY_MAX_BYTES_ENV,
    LIMITS_TRANSFER_BUDGET_BYTES_ENV,
    LIMITS_TRANSFER_MAX_BYTES_ENV,
)
from settings.limits import request_limits

FIXTURES = REPO_ROOT / "tests" / "configs"
FIXTURE_ENVS = (
    "gke",
    "local",
    "keyed",
    "knobs",
    "shared",
    "autopilot",
    "gkeautopilot",
    "e2e",
    "gateway",
    "cmek",
    "perimeter",
    "psc",
    "regulated",
)


def fixture_settings(env: str) -> Settings:
    return load_settings(env, folder=FIXTURES)


def limits_env(env: str) -> dict[str, str]:
    """The bounded-work limits a fixture's ConfigMap gives the server (k8s/auth.py), for a
    server a test starts by hand."""
    limits = request_limits(fixture_settings(env).server)
    return {
        LIMITS_BODY_MAX_BYTES_ENV: str(limits.body_max_bytes),
        LIMITS_BODY_BUDGET_BYTES_ENV: str(limits.body_budget_bytes),
        LIMITS_TRANSFER_MAX_BYTES_ENV: str(limits.transfer_max_bytes),
        LIMITS_TRANSFER_BUDGET_BYTES_ENV: str(limits.transfer_budget_bytes),
    }
