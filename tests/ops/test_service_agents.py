"""`make deploy`'s CMEK step (ops/service_agents.py): the two lazily created service agents made
before Terraform grants them their keys, checked against the emails the stack grants."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from ops.service_agents import AgentError, ensure, lazy_agents
from settings import Settings
from tests.support.configs import fixture_settings


@pytest.fixture(scope="module")
def cmek() -> Settings:
    return fixture_settings("cmek")


def _agent(argv: Sequence[str], number: str | None) -> str:
    api = next(a.split("=", 1)[1] for a in argv if a.startswith("--service="))
    domain = {
        "sqladmin.googleapis.com": "gcp-sa-cloud-sql",
        "secretmanager.googleapis.com": "gcp-sa-secretmanager",
    }[api]
    return f"service-{number}@{domain}.iam.gserviceaccount.com\n"


def test_cmek_creates_both_agents_after_enabling_their_apis(cmek: Settings) -> None:
    calls: list[list[str]] = []

    def fake(argv: Sequence[str]) -> str:
        calls.append(list(argv))
        return _agent(argv, cmek.project_number) if "identity" in argv else ""

    made = ensure(cmek, fake)
    n = cmek.project_number
    assert made == [
        f"service-{n}@gcp-sa-cloud-sql.iam.gserviceaccount.com",
        f"service-{n}@gcp-sa-secretmanager.iam.gserviceaccount.com",
    ]
    assert calls[0][:3] == ["gcloud", "services", "enable"]
    assert {"sqladmin.googleapis.com", "secretmanager.googleapis.com"} <= set(calls[0])
    for call in calls[1:]:
        assert call[:5] == ["gcloud", "beta", "services", "identity", "create"]
        assert f"--project={cmek.project_id}" in call


def test_a_wrong_project_number_is_named_before_terraform_grants_a_stranger(
    cmek: Settings,
) -> None:
    def other_project(argv: Sequence[str]) -> str:
        return _agent(argv, "111111111111") if "identity" in argv else ""

    with pytest.raises(AgentError) as caught:
        ensure(cmek, other_project)
    message = str(caught.value)
    assert "service-111111111111@gcp-sa-cloud-sql" in message
    assert f"check project_number ({cmek.project_number})" in message
    assert "gcloud projects describe" in message


def test_without_encryption_nothing_runs(gke_settings: Settings) -> None:
    assert lazy_agents(gke_settings) == {}
    assert ensure(gke_settings, lambda argv: pytest.fail(f"ran {argv}")) == []
