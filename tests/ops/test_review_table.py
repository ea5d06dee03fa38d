"""The force-new table (ops/review/force_new.json) covers every resource type the project
synthesizes, for the provider versions it pins, and is read the way the provider means it."""

from __future__ import annotations

from typing import Any

import pytest

from ops.review.force_new import forces_replacement, rules, table
from settings import REPO_ROOT, load_settings
from tests.support.configs import FIXTURE_ENVS, fixture_settings


@pytest.fixture(scope="module")
def stacks(tf_synth: Any) -> list[dict[str, Any]]:
    """Every fixture environment's stack and every config/ environment's."""
    docs = [tf_synth(fixture_settings(env)) for env in FIXTURE_ENVS]
    for path in sorted((REPO_ROOT / "config").glob("*.yaml")):
        docs.append(tf_synth(load_settings(path.stem)))
    return docs


def test_every_synthesized_resource_type_has_an_entry(stacks: list[dict[str, Any]]) -> None:
    types = {t for doc in stacks for t in doc.get("resource", {})}
    assert len(types) > 30
    assert sorted(types - rules().keys()) == []


def test_the_table_is_for_the_pinned_providers(stacks: list[dict[str, Any]]) -> None:
    providers = table()["providers"]
    for doc in stacks:
        pinned = doc["terraform"]["required_providers"]
        assert pinned["google"]["version"] == providers["google"]["version"]
        assert pinned["random"]["version"] == providers["random"]["version"]
    assert table()["retrieved"]
    for rtype, rule in rules().items():
        assert rule.docs.startswith("https://"), rtype


@pytest.mark.parametrize(
    ("rtype", "path", "expected"),
    [
        ("google_sql_database_instance", "name", (True, None)),
        ("google_sql_database_instance", "region", (True, None)),
        ("google_sql_database_instance", "settings[0].tier", (False, None)),
        ("google_sql_database_instance", "settings.tier", (False, None)),
        ("google_sql_database_instance", "database_version", (False, None)),
        (
            "google_sql_database_instance",
            "settings.disk_size",
            (False, "when the disk shrinks (it can only grow in place)"),
        ),
        ("google_container_cluster", "location", (True, None)),
        ("google_container_node_pool", "node_config.service_account", (True, None)),
        ("google_container_node_pool", "node_config.machine_type", (False, None)),
        ("google_storage_bucket", "location", (True, None)),
        ("google_iap_web_iam_member", "condition.title", (True, None)),
        ("google_iap_web_iam_member", "member", (True, None)),
        ("random_password", "length", (True, None)),
        ("terraform_data", "input", (False, None)),
    ],
)
def test_paths(rtype: str, path: str, expected: tuple[bool, str | None]) -> None:
    assert forces_replacement(rtype, path) == expected


def test_an_unknown_type_is_not_guessed() -> None:
    with pytest.raises(KeyError):
        forces_replacement("google_bigquery_dataset", "location")
