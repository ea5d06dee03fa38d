"""mlflow_iap_auth's lookup on the Gateway API edge: GKE's Gateway controller names the backend
service gkegw1-<hash4>-NAMESPACE-NAME-PORT-<hash12> (no Ingress description), and the ConfigMap
gives the port's number (IAP_SERVICE_PORT_NUMBER) so the plugin can find it."""

from __future__ import annotations

from typing import Any

import pytest
from mlflow_iap_auth import backend_services
from mlflow_iap_auth.backend_services import Target
from mlflow_iap_auth.config import ConfigError, IapConfig

TARGET = Target(
    project="example-project", service="mlflow/mlflow-server", port="http", port_number="5000"
)
ENV = {
    "IAP_PROJECT_NUMBER": "123456789012",
    "IAP_ADMINS": "root@example.com",
    "IAP_PORT_FORWARD_USER": "kubectl-port-forward",
    "IAP_AUTH_DATABASE_URI": "postgresql+psycopg://u@127.0.0.1/mlflow_auth",
    "IAP_PROJECT_ID": TARGET.project,
    "IAP_SERVICE": TARGET.service,
    "IAP_SERVICE_PORT": TARGET.port,
}


def item(service_id: str, name: str, iap: bool = True) -> dict[str, Any]:
    return {"id": service_id, "name": name, "iap": {"enabled": iap}}


@pytest.mark.parametrize(
    ("name", "matches"),
    [
        ("gkegw1-4v0d-mlflow-mlflow-server-5000-a1b2c3d4e5f6", True),
        ("gkegw1-4v0d-mlflow-mlflow-server-8080-a1b2c3d4e5f6", False),  # another port
        ("gkegw1-4v0d-other-mlflow-server-5000-a1b2c3d4e5f6", False),  # another namespace
        ("gkegw1-4v0d-mlflow-mlflow-server-ui-5000-a1b2c3d4e5f6", False),  # another Service
        ("gkegw1-4v0d-mlflow-mlflow-server-5000-a1b2c3", False),  # not the controller's hash
        ("k8s1-4v0d1234-mlflow-mlflow-server-5000-a1b2c3d4", False),  # an Ingress NEG's name
    ],
)
def test_which_gateway_names_are_this_service(name: str, matches: bool) -> None:
    found = backend_services.naming_this_service([item("42", name)], TARGET)
    assert [f.id for f in found] == (["42"] if matches else [])


def test_a_cut_name_matches_by_prefixes_only_at_the_full_length() -> None:
    # Seen on GKE: namespace kalchemy cut to kalchem so that the name is 63 characters.
    target = Target("p", "kalchemy/access-advisor-middleware", "http", port_number="8000")
    cut = "gkegw1-jgyx-kalchem-access-advisor-middleware-8000-78qnvyiusmha"
    assert len(cut) == 63
    assert backend_services.gateway_names_service(cut, target)
    shorter = "gkegw1-jgyx-kalch-access-advisor-middleware-8000-78qnvyiusmha"
    assert not backend_services.gateway_names_service(shorter, target)  # not cut: not ours


def test_without_the_port_number_gateway_names_are_not_read() -> None:
    ingress_only = Target(TARGET.project, TARGET.service, TARGET.port)
    name = "gkegw1-4v0d-mlflow-mlflow-server-5000-a1b2c3d4e5f6"
    assert backend_services.naming_this_service([item("42", name)], ingress_only) == []


def test_exactly_one_gateway_backend_with_iap_pins() -> None:
    items = [
        item("41", "gkegw1-4v0d-mlflow-mlflow-server-5000-a1b2c3d4e5f6", iap=False),
        item("42", "gkegw1-9zzz-mlflow-mlflow-server-5000-a1b2c3d4e5f7"),
    ]
    outcome = backend_services.decide(backend_services.naming_this_service(items, TARGET), TARGET)
    assert outcome.service_id == "42"


def test_the_config_reads_the_port_number() -> None:
    config = IapConfig.from_env({**ENV, "IAP_SERVICE_PORT_NUMBER": "5000"})
    assert config.lookup == TARGET
    assert IapConfig.from_env(ENV).lookup == Target(TARGET.project, TARGET.service, TARGET.port)
    with pytest.raises(ConfigError, match="IAP_SERVICE_PORT_NUMBER='99999'"):
        IapConfig.from_env({**ENV, "IAP_SERVICE_PORT_NUMBER": "99999"})
