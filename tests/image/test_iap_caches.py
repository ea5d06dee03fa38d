"""mlflow_server/iap_auth caches: what is cached, and that a change clears it at once."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from mlflow_iap_auth.caches import TTL_SECONDS, RunExperiments, Users


class Store:
    def __init__(self) -> None:
        self.calls: list[str] = []
        self.admin = False

    def get_user(self, name: str) -> Any:
        self.calls.append("get_user")
        return SimpleNamespace(id=7, username=name, is_admin=self.admin)

    def list_grants(self, user_id: int, workspace: str, types: Any) -> list[str]:
        self.calls.append("list_grants")
        return [f"grant-{len(self.calls)}"]

    def update_user(self, name: str, is_admin: bool | None = None) -> None:
        self.admin = bool(is_admin)

    def revoke_user_permission(self, *args: Any) -> None:
        self.calls.append("revoke")


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_reads_are_cached_for_the_ttl_only() -> None:
    store, clock = Store(), Clock()
    users = Users(store, clock=clock)
    first = users.list_grants(7, "default", ["experiment"])
    assert users.list_grants(7, "default", {"experiment"}) == first
    users.get_user("a@example.com")
    users.get_user("a@example.com")
    assert store.calls == ["list_grants", "get_user"]
    clock.now += TTL_SECONDS + 0.1
    assert users.list_grants(7, "default", ["experiment"]) != first


def test_any_change_clears_the_caches_at_once() -> None:
    store = Store()
    users = Users(store, clock=Clock())
    assert users.get_user("a@example.com").is_admin is False
    users.update_user("a@example.com", is_admin=True)
    assert users.get_user("a@example.com").is_admin is True
    before = users.list_grants(7, "default", ["experiment"])
    users.revoke_user_permission("experiment", "1", "a@example.com")
    assert users.list_grants(7, "default", ["experiment"]) != before


def test_run_experiment_is_cached_but_a_missing_run_is_not() -> None:
    class Tracking:
        calls = 0

        def get_run(self, run_id: str) -> Any:
            Tracking.calls += 1
            if run_id == "missing":
                raise LookupError(run_id)
            return SimpleNamespace(info=SimpleNamespace(experiment_id=42))

    runs = RunExperiments(Tracking())
    assert runs.get_run("r1").info.experiment_id == "42"
    assert runs.get_run("r1").info.experiment_id == "42"
    assert Tracking.calls == 1
    for _ in range(2):
        with pytest.raises(LookupError):
            runs.get_run("missing")
    assert Tracking.calls == 3
