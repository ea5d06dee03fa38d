"""Every resource waits for the API it needs: a first `terraform apply` never races an API that
the same apply is still enabling.

Walks the synthesized JSON of every fixture and every config/*.yaml: the graph's edges are
`depends_on` and `${...}` references; each resource (and data source) of a service the stack
enables must reach that service's google_project_service, directly or through others.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ops.environments import environments
from settings import Settings, load_settings
from tests.support.configs import FIXTURE_ENVS, fixture_settings

Doc = dict[str, Any]

# Resource type prefix -> the API it calls (longest prefix wins).
SERVICES = {
    "google_artifact_registry_": "artifactregistry.googleapis.com",
    "google_compute_": "compute.googleapis.com",
    "google_certificate_manager_": "certificatemanager.googleapis.com",
    "google_container_": "container.googleapis.com",
    "google_dns_": "dns.googleapis.com",
    "google_iap_": "iap.googleapis.com",
    "google_iam_workload_identity_pool": "iam.googleapis.com",
    "google_monitoring_": "monitoring.googleapis.com",
    "google_project_iam_": "cloudresourcemanager.googleapis.com",
    "google_project": "cloudresourcemanager.googleapis.com",  # the data source
    "google_project_ancestry": "cloudresourcemanager.googleapis.com",
    "google_secret_manager_": "secretmanager.googleapis.com",  # pragma: allowlist secret
    "google_service_account": "iam.googleapis.com",
    "google_service_networking_": "servicenetworking.googleapis.com",
    "google_sql_": "sqladmin.googleapis.com",
    "google_storage_": "storage.googleapis.com",
}
# Resources that call no API of the project (or are the APIs themselves).
# google_kms_: the CMEK key's grants call Cloud KMS in the key's project (often a security
# project), whose API is its owner's.
NO_SERVICE = ("google_project_service", "random_", "terraform_data", "google_kms_")
REFERENCE = re.compile(r"\$\{(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)")


def required_service(type_: str) -> str | None:
    if type_.startswith(NO_SERVICE):
        return None
    matches = [p for p in SERVICES if type_.startswith(p)]
    if not matches:
        raise AssertionError(f"{type_}: no API known for it; add it to SERVICES")
    return SERVICES[max(matches, key=len)]


def nodes(doc: Doc) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(address, type, body) for every resource and data source."""
    for kind, prefix in (("resource", ""), ("data", "data.")):
        for type_, items in doc.get(kind, {}).items():
            for name, body in items.items():
                yield f"{prefix}{type_}.{name}", type_, body


def edges(body: dict[str, Any]) -> set[str]:
    found = set(body.get("depends_on", []))
    text = json.dumps({k: v for k, v in body.items() if k != "depends_on"})
    for data, type_, name in REFERENCE.findall(text):
        found.add(f"{'data.' if data else ''}{type_}.{name}")
    return found


def missing_api_dependencies(doc: Doc) -> list[str]:
    graph = {address: edges(body) for address, _, body in nodes(doc)}
    enabling = {
        body["service"]: f"google_project_service.{name}"
        for name, body in doc.get("resource", {}).get("google_project_service", {}).items()
    }
    problems = []
    for address, type_, _ in nodes(doc):
        service = required_service(type_)
        if service is None or service not in enabling:
            continue  # the stack does not enable it: nothing to wait for
        seen, todo = set(), [address]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            todo += graph.get(current, ())
        if enabling[service] not in seen:
            problems.append(f"{address} does not wait for {service}")
    return problems


Synth = Callable[[Settings], Doc]


@pytest.mark.parametrize(
    "source", [f"fixture:{e}" for e in FIXTURE_ENVS] + [f"config:{e}" for e in environments()]
)
def test_every_resource_waits_for_its_api(source: str, tf_synth: Synth) -> None:
    kind, env = source.split(":")
    settings = fixture_settings(env) if kind == "fixture" else load_settings(env)
    problems = missing_api_dependencies(tf_synth(settings))
    assert not problems, "\n".join(problems)


def test_the_walk_finds_a_missing_dependency(tf_synth: Synth, gke_settings: Settings) -> None:
    doc = json.loads(json.dumps(tf_synth(gke_settings)))
    (bucket,) = [
        b
        for b in doc["resource"]["google_storage_bucket"].values()
        if b["name"] == gke_settings.names.bucket
    ]
    bucket.pop("depends_on", None)
    doc["resource"]["google_project_service"]["storage"] = {"service": "storage.googleapis.com"}
    assert any(p.startswith("google_storage_bucket.") for p in missing_api_dependencies(doc)), (
        "a bucket that no longer waits for the storage API went unnoticed"
    )
