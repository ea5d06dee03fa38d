"""mlflow_iap_auth.limits' settings: what the deployment writes is what the plugin reads, fits
the pod, and a bad value stops the server with the variable's name."""

from __future__ import annotations

import pytest
from mlflow_iap_auth.config import ConfigError
from mlflow_iap_auth.limits import LimitsConfig

from k8s.auth import auth_mode
from settings import Settings
from settings.limits import BODY_MAX_BYTES, BODY_MEMORY_FACTOR, request_limits
from settings.transfers import quantity_bytes


def test_the_limits_come_from_the_configmap() -> None:
    env = {
        "LIMITS_BODY_MAX_BYTES": "100",
        "LIMITS_BODY_BUDGET_BYTES": "300",
        "LIMITS_TRANSFER_MAX_BYTES": "1000",
        "LIMITS_TRANSFER_BUDGET_BYTES": "2000",
    }
    assert LimitsConfig.from_env(env) == LimitsConfig(100, 300, 1000, 2000, 10.0)
    assert LimitsConfig.from_env({**env, "LIMITS_WAIT_SECONDS": "0"}).wait_seconds == 0


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("LIMITS_BODY_MAX_BYTES", "", "LIMITS_BODY_MAX_BYTES is not set"),
        ("LIMITS_BODY_MAX_BYTES", "10Mi", "LIMITS_BODY_MAX_BYTES='10Mi' must be a positive"),
        ("LIMITS_TRANSFER_BUDGET_BYTES", "999", "LIMITS_TRANSFER_BUDGET_BYTES=999 is below"),
        ("LIMITS_WAIT_SECONDS", "forever", "LIMITS_WAIT_SECONDS='forever' must be 0 to 600"),
    ],
)
def test_bad_limits_name_the_variable(name: str, value: str, message: str) -> None:
    env = {
        "LIMITS_BODY_MAX_BYTES": "100",
        "LIMITS_BODY_BUDGET_BYTES": "300",
        "LIMITS_TRANSFER_MAX_BYTES": "1000",
        "LIMITS_TRANSFER_BUDGET_BYTES": "2000",
        name: value,
    }
    with pytest.raises(ConfigError, match=message):
        LimitsConfig.from_env(env)


@pytest.mark.parametrize("env", ["e2e", "gke", "shared"])
def test_the_deployment_writes_limits_that_fit_the_pod(
    env: str, request: pytest.FixtureRequest
) -> None:
    """The ConfigMap's limits: /tmp holds every admitted transfer, memory every admitted body."""
    settings: Settings = request.getfixturevalue(f"{env}_settings")
    if not settings.auth.enabled:
        auth = settings.auth.model_copy(
            update={"enabled": True, "admins": ("a@example.com",), "project_number": "13579246"}
        )
        settings = settings.model_copy(update={"auth": auth})
    config = LimitsConfig.from_env(auth_mode(settings).config())
    server = settings.server
    transfers = server.artifact_transfers
    assert config == LimitsConfig(
        **{**request_limits(server).__dict__, "wait_seconds": config.wait_seconds}
    )
    assert config.body_max_bytes == BODY_MAX_BYTES
    assert config.transfer_max_bytes == transfers.largest_bytes
    assert config.transfer_budget_bytes * server.workers <= transfers.tmp_bytes
    memory = server.resources.server
    spare = quantity_bytes(memory.limits["memory"]) - quantity_bytes(memory.requests["memory"])
    assert config.body_budget_bytes * BODY_MEMORY_FACTOR * server.workers <= spare
