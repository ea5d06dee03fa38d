"""Security and consistency properties that every environment's output must have.

Checked for every config/*.yaml (tests/repo/test_environments.py), whatever values the team writes,
and for the project's fixture configs. Each check raises InvariantError naming the invariant, so a
failing config says which promise it breaks. They hold by construction of the code for any config
the settings model accepts; they are checked anyway, on the real output, because a knob added
tomorrow must not be able to quietly break one of them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from settings import Settings

Doc = dict[str, Any]
Objects = list[dict[str, Any]]

BASIC_ROLES = {"roles/owner", "roles/editor", "roles/viewer"}
PUBLIC_MEMBERS = {"allUsers", "allAuthenticatedUsers"}


class InvariantError(AssertionError):
    pass


@dataclass(frozen=True)
class Output:
    settings: Settings
    terraform: Doc
    objects: Objects

    def resources(self, type_: str) -> dict[str, dict[str, Any]]:
        return dict(self.terraform.get("resource", {}).get(type_, {}))

    def one(self, type_: str) -> dict[str, Any]:
        found = self.resources(type_)
        if len(found) != 1:
            raise InvariantError(f"expected one {type_}, found {len(found)}")
        return next(iter(found.values()))

    def kind(self, kind: str) -> Objects:
        return [o for o in self.objects if o["kind"] == kind]

    def pod(self) -> dict[str, Any]:
        (deployment,) = self.kind("Deployment")
        return dict(deployment["spec"]["template"]["spec"])

    def pods(self) -> list[dict[str, Any]]:
        """Every pod template: the Deployment's and the CronJob's."""
        jobs = [c["spec"]["jobTemplate"]["spec"]["template"]["spec"] for c in self.kind("CronJob")]
        return [self.pod(), *jobs]

    def containers(self) -> list[dict[str, Any]]:
        """Every container of every pod template."""
        return [
            c for pod in self.pods() for c in [*pod.get("initContainers", []), *pod["containers"]]
        ]

    def server_config(self) -> dict[str, str]:
        names = {s["configMapRef"]["name"] for c in self.containers() for s in c.get("envFrom", [])}
        (cm,) = [o for o in self.kind("ConfigMap") if o["metadata"]["name"] in names]
        return dict(cm["data"])


INVARIANTS: dict[str, Callable[[Output], None]] = {}


def invariant(func: Callable[[Output], None]) -> Callable[[Output], None]:
    INVARIANTS[func.__name__] = func
    return func


def check(output: Output) -> None:
    """Every invariant; the first broken one raises, naming itself and the environment."""
    for name, func in INVARIANTS.items():
        try:
            func(output)
        except (AssertionError, KeyError, ValueError) as exc:
            raise InvariantError(
                f"environment {output.settings.environment!r} breaks invariant {name}: {exc}"
            ) from exc


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise InvariantError(message)


def _iam_members(doc: Doc) -> Iterator[tuple[str, str, str]]:
    for type_, resources in doc.get("resource", {}).items():
        if type_.endswith(("_iam_member", "_iam_binding")):
            for address, r in resources.items():
                for member in [r.get("member"), *r.get("members", [])]:
                    if member:
                        yield f"{type_}.{address}", str(r.get("role", "")), str(member)


# --- Terraform ---------------------------------------------------------------------------------


@invariant
def nothing_is_public(out: Output) -> None:
    for address, _, member in _iam_members(out.terraform):
        _require(member not in PUBLIC_MEMBERS, f"{address} grants {member}")
    for address, bucket in out.resources("google_storage_bucket").items():
        prevention = bucket["public_access_prevention"]
        _require(prevention == "enforced", f"{address}: public access prevention {prevention}")
        _require(bucket["uniform_bucket_level_access"] is True, f"{address}: uniform access")


@invariant
def no_basic_or_admin_role_project_wide(out: Output) -> None:
    for address, r in out.resources("google_project_iam_member").items():
        role = r["role"]
        _require(
            role not in BASIC_ROLES and "admin" not in role.lower(), f"{address} grants {role}"
        )


@invariant
def database_admits_only_encrypted_iam_authorized_connections(out: Output) -> None:
    sql = out.one("google_sql_database_instance")["settings"]
    ip = sql["ip_configuration"]
    _require(ip["ssl_mode"] == "ENCRYPTED_ONLY", "ssl_mode")
    _require(not ip.get("authorized_networks"), "authorized networks are open")
    _require(sql["connector_enforcement"] == "REQUIRED", "connector enforcement")
    backups = sql["backup_configuration"]
    _require(backups["enabled"] and backups["point_in_time_recovery_enabled"], "backups/PITR")


def _secret_values(doc: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """Every (key, string) in the document whose key names a password or secret data."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _secret_values(v, k)
    elif isinstance(doc, list):
        for v in doc:
            yield from _secret_values(v, key)
    elif isinstance(doc, str) and re.search(r"password|secret_data|passphrase", key):
        yield key, doc


@invariant
def passwords_are_generated_never_written(out: Output) -> None:
    for key, value in _secret_values(out.terraform.get("resource", {})):
        # A reference to Terraform's generated value, or an expression built from such
        # references only (the KEK's JSON document), with no quoted literal in a value's place.
        _require(value.startswith("${") and "random_password." in value, f"{key} is a literal")
        literals = re.findall(r'"(\w+)"\s*=\s*"', value)
        _require(not literals, f"{key} holds literal values for {literals}")
    _require("random_password" not in json.dumps(out.terraform.get("output", {})), "output")


@invariant
def stored_secrets_are_encrypted_with_a_generated_passphrase(out: Output) -> None:
    """MLflow's built-in KEK passphrase is never what protects the secrets users store."""
    versions = [
        *out.resources("google_secret_manager_secret_version").values(),
        *out.resources("google_secret_manager_regional_secret_version").values(),
    ]
    keks = [v for v in versions if "jsonencode(" in v["secret_data"]]
    _require(len(keks) == 1, f"{len(keks)} KEK passphrase secret versions, expected one")
    _require('"passphrase" = random_password.' in keks[0]["secret_data"], "KEK passphrase")
    cfg = out.server_config()
    path = cfg.get("KEK_PASSPHRASE_FILE", "")
    for c in out.containers():
        if c["name"] == "cloud-sql-proxy":
            continue
        mounts = [m["mountPath"] for m in c.get("volumeMounts", [])]
        _require(any(path.startswith(m.rstrip("/") + "/") for m in mounts), f"{c['name']} KEK")
        names = {e["name"] for e in c.get("env", [])}
        _require(not names & {"MLFLOW_CRYPTO_KEK_PASSPHRASE"}, f"{c['name']} env holds the KEK")
    _require("MLFLOW_CRYPTO_KEK_PASSPHRASE" not in cfg, "the ConfigMap holds the KEK")


@invariant
def a_key_exists_only_when_opted_in(out: Output) -> None:
    keyed = out.settings.local is not None and not out.settings.local.federated
    keys = out.resources("google_service_account_key")
    _require(bool(keys) == keyed, f"{len(keys)} service-account keys, opt-in: {keyed}")
    for name, o in out.terraform.get("output", {}).items():
        if "private_key" in json.dumps(o):
            _require(o.get("sensitive") is True, f"output {name} carries a key unmarked")


# --- Kubernetes ----------------------------------------------------------------------------------


@invariant
def no_secret_value_in_the_manifests(out: Output) -> None:
    for obj in out.kind("Secret"):
        raise InvariantError(f"Secret {obj['metadata']['name']} is synthesized")
    for key in out.server_config():
        looks_secret = re.search(r"PASSWORD|SECRET|TOKEN|PRIVATE|CREDENTIAL|API_KEY", key)
        _require(not looks_secret or key.endswith(("_FILE", "_PATH")), f"ConfigMap holds {key}")
    for c in out.containers():
        for env in c.get("env", []):
            _require(
                "value" not in env or not re.search(r"PASSWORD|SECRET|TOKEN", env["name"]),
                f"{c['name']} env {env['name']} holds a value",
            )


@invariant
def every_container_runs_restricted(out: Output) -> None:
    for pod in out.pods():
        _require(pod["securityContext"]["runAsNonRoot"] is True, "pod runAsNonRoot")
        _require(pod["automountServiceAccountToken"] is False, "pod mounts the API token")
    for c in out.containers():
        sc = c["securityContext"]
        name = c["name"]
        _require(sc["runAsNonRoot"] and sc["readOnlyRootFilesystem"], f"{name} root/rw")
        _require(sc["allowPrivilegeEscalation"] is False, f"{name} privilege escalation")
        _require(sc["capabilities"]["drop"] == ["ALL"], f"{name} capabilities")
        _require(sc["seccompProfile"]["type"] == "RuntimeDefault", f"{name} seccomp")
        _require("memory" in c["resources"]["requests"], f"{name} memory request")
        _require("memory" in c["resources"]["limits"], f"{name} memory limit")
        image = c["image"]
        _require(
            not image.endswith(":latest") and (":" in image.rsplit("/", 1)[-1] or "@" in image),
            f"{name} image {image} is not pinned",
        )


def _bytes(quantity: str) -> int:
    from settings.transfers import quantity_bytes

    return quantity_bytes(quantity)


@invariant
def large_transfers_fit_the_pod(out: Output) -> None:
    """MLflow spools every proxied artifact whole in /tmp: the emptyDir holds the configured
    transfers, the server's ephemeral-storage limit covers it, the load balancer waits for it."""
    sizes = out.settings.server.artifact_transfers
    (tmp,) = [v for v in out.pod()["volumes"] if v["name"] == "tmp"]
    size_limit = _bytes(tmp["emptyDir"]["sizeLimit"])
    _require(size_limit >= sizes.largest_bytes * sizes.concurrent, "/tmp holds the transfers")
    server = next(c for c in out.containers() if c["name"] == "mlflow")
    limit = server["resources"]["limits"].get("ephemeral-storage")
    _require(limit is not None and _bytes(limit) >= size_limit, "server ephemeral-storage limit")
    for backend in out.kind("BackendConfig"):
        _require(backend["spec"]["timeoutSec"] >= sizes.timeout_seconds, "load balancer timeout")


@invariant
def the_sides_name_the_same_resources(out: Output) -> None:
    s, cfg = out.settings, out.server_config()
    buckets = {b["name"] for b in out.resources("google_storage_bucket").values()}
    bucket = cfg["MLFLOW_ARTIFACTS_DESTINATION"].removeprefix("gs://").split("/", 1)[0]
    _require(bucket in buckets, f"the artifact destination's bucket {bucket} is not Terraform's")
    sql = out.one("google_sql_database_instance")
    connection = f"{s.project_id}:{sql['region']}:{sql['name']}"
    _require(cfg["CLOUD_SQL_CONNECTION_NAME"] == connection, "instance connection name")
    proxy = next(c for c in out.containers() if c["name"] == "cloud-sql-proxy")
    _require(proxy["args"][0] == connection, "the proxy's instance")
    workload = next(
        a
        for a in out.resources("google_service_account").values()
        if a["account_id"] == s.names.workload_sa_id
    )
    email = f"{workload['account_id']}@{s.project_id}.iam.gserviceaccount.com"
    (sa,) = out.kind("ServiceAccount")
    ns, ksa = sa["metadata"]["namespace"], sa["metadata"]["name"]
    wi = sa["metadata"].get("annotations", {}).get("iam.gke.io/gcp-service-account")
    members = {
        m for _, role, m in _iam_members(out.terraform) if role.endswith("workloadIdentityUser")
    }
    if s.target.is_gke:
        _require(wi == email, "the KSA's Workload Identity annotation")
        # The pool is the cluster's project's (existing_cluster.project when set).
        pool = f"{s.target.project}.svc.id.goog"
        _require(f"serviceAccount:{pool}[{ns}/{ksa}]" in members, "WI grant")
        (spc,) = out.kind("SecretProviderClass")
        for secret in out.resources("google_secret_manager_secret").values():
            secret_id = secret["secret_id"]
            mounted = spc["spec"]["parameters"]["secrets"]
            _require(f"/secrets/{secret_id}/versions/" in mounted, f"SPC lacks {secret_id}")
    elif s.local is not None and s.local.federated:
        subject = f"system:serviceaccount:{ns}:{ksa}"
        _require(any(m.endswith(f"/subject/{subject}") for m in members), "federation grant")
        provider = out.one("google_iam_workload_identity_pool_provider")
        _require(subject in provider["attribute_condition"], "provider condition")


def _ingress_edge(out: Output, address: dict[str, Any], tls: str) -> str:
    """The Ingress names the IP, its FrontendConfig the TLS policy; IAP on the BackendConfig."""
    (ingress,), (frontend,) = out.kind("Ingress"), out.kind("FrontendConfig")
    annotations, host = ingress["metadata"]["annotations"], ingress["spec"]["rules"][0]["host"]
    _require(annotations["kubernetes.io/ingress.global-static-ip-name"] == address["name"], "IP")
    _require(frontend["spec"]["sslPolicy"] == tls, "TLS")
    (cert,), (backend,) = out.kind("ManagedCertificate"), out.kind("BackendConfig")
    _require(cert["spec"]["domains"] == [host], "certificate domains")
    _require(backend["spec"]["iap"]["enabled"] is True, "IAP on the backend")
    return str(host)


def _gateway_edge(out: Output, address: dict[str, Any], tls: str) -> str:
    """The Gateway names the IP and the map, its GCPGatewayPolicy the TLS; IAP on its policy."""
    (gateway,) = out.kind("Gateway")
    ip = [{"type": "NamedAddress", "value": address["name"]}]
    _require(gateway["spec"]["addresses"] == ip, "IP")
    cert_map = out.one("google_certificate_manager_certificate_map")["name"]
    _require(gateway["metadata"]["annotations"]["networking.gke.io/certmap"] == cert_map, "map")
    (policy,), (backend,) = out.kind("GCPGatewayPolicy"), out.kind("GCPBackendPolicy")
    _require(policy["spec"]["default"]["sslPolicy"] == tls, "TLS")
    (host,) = {listener["hostname"] for listener in gateway["spec"]["listeners"]}
    entry = out.one("google_certificate_manager_certificate_map_entry")
    _require(entry["hostname"] == host, "certificate map entry host")
    _require(backend["spec"]["default"]["iap"]["enabled"] is True, "IAP on the backend")
    return str(host)


@invariant
def the_load_balancer_is_the_one_terraform_made(out: Output) -> None:
    if not out.settings.target.is_gke:
        return
    (address,) = [
        a
        for a in out.resources("google_compute_global_address").values()
        if a.get("address_type") == "EXTERNAL"
    ]
    tls = out.one("google_compute_ssl_policy")["name"]
    edge = _gateway_edge if out.kind("Gateway") else _ingress_edge
    host = edge(out, address, tls)
    for r in out.resources("google_iap_web_iam_member").values():
        _require(r["condition"]["expression"] == f'request.host == "{host}"', "IAP grant host")
    hosts = out.server_config()["MLFLOW_SERVER_ALLOWED_HOSTS"].split(",")
    _require(host in hosts, "the ingress host is an allowed Host header")
    for policy in out.kind("NetworkPolicy"):
        _require(set(policy["spec"]["policyTypes"]) == {"Ingress", "Egress"}, "default deny")


# --- Across environments ------------------------------------------------------------------------


def check_together(outputs: list[Output]) -> None:
    """What separate environments must not share: a host, a namespace in one cluster."""
    seen_hosts: dict[str, str] = {}
    seen_namespaces: dict[tuple[str, str, str], str] = {}
    for out in outputs:
        s = out.settings
        env = s.environment
        if s.target.is_gke:
            host = s.ingress.host
            if host in seen_hosts:
                raise InvariantError(
                    f"environments {seen_hosts[host]!r} and {env!r} break invariant "
                    f"distinct_ingress_hosts: both use ingress.host {host!r} (one certificate "
                    "and one IAP grant condition per host)"
                )
            seen_hosts[host] = env
        # A created cluster is the environment's own; every local one is "the current context".
        cluster = s.names.cluster if s.target.is_gke else "local kubectl context"
        key = (s.project_id if s.target.is_gke else "", cluster, s.names.namespace)
        if key in seen_namespaces:
            raise InvariantError(
                f"environments {seen_namespaces[key]!r} and {env!r} break invariant "
                f"distinct_namespaces: both deploy to namespace {s.names.namespace!r} of the "
                "same cluster"
            )
        seen_namespaces[key] = env


# The pods' and NetworkPolicies' invariants live in their own module; importing it registers them.
from tests.support import pod_invariants  # noqa: E402,F401
