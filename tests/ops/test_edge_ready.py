"""`make edge-ready` (ops/edge_ready.py): the uptime alert stays disarmed until the edge answers
like the uptime check wants it to, then exactly the stack's disarmed policies are armed.

The edge is a real TLS server on a loopback address with a certificate for `localhost` from a
throw-away CA (SSL_CERT_FILE makes it the only trusted one); gcloud is a script on PATH that
prints the static IP and a token; the Monitoring API is a local stand-in that records calls.
"""

from __future__ import annotations

import datetime
import json
import os
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ops import edge_ready
from settings import REPO_ROOT

HOST = "localhost"  # resolves to 127.0.0.1 on every machine; the certificate names it
SIGN_IN = "https://accounts.google.com/o/oauth2/v2/auth?client_id=x"


def _certificate(folder: Path, name: str) -> tuple[Path, Path, Path]:
    """A CA and a server certificate for `name`, as PEM files (ca, cert, key)."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "edge-ready test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(2)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


class _Edge(BaseHTTPRequestHandler):
    answer: tuple[int, str] = (302, SIGN_IN)

    def do_GET(self) -> None:
        status, location = self.answer
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


class _Monitoring(BaseHTTPRequestHandler):
    calls: ClassVar[list[tuple[str, str, Any]]] = []

    def _reply(self, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self.calls.append(("GET", self.path, self.headers["Authorization"]))
        self._reply({"alertPolicies": [{"name": "projects/p-1/alertPolicies/42"}]})

    def do_PATCH(self) -> None:
        length = int(self.headers["Content-Length"])
        self.calls.append(("PATCH", self.path, json.loads(self.rfile.read(length))))
        self._reply({})

    def log_message(self, *args: Any) -> None:
        pass


def _serve(handler: type[BaseHTTPRequestHandler], tls: ssl.SSLContext | None = None) -> Any:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    return _certificate(tmp_path_factory.mktemp("pki"), HOST)


@pytest.fixture
def edge(pki: tuple[Path, Path, Path]) -> Iterator[Any]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(pki[1]), str(pki[2]))
    server = _serve(_Edge, context)
    yield server
    server.shutdown()


@pytest.fixture
def monitoring() -> Iterator[Any]:
    _Monitoring.calls = []
    server = _serve(_Monitoring)
    yield server
    server.shutdown()


STACK = {
    "resource": {
        "google_monitoring_uptime_check_config": {
            "uptime": {"monitored_resource": {"labels": {"project_id": "p-1", "host": HOST}}}
        },
        "google_compute_global_address": {"ip": {"name": "mlflow-dev-ip"}},
        "google_monitoring_alert_policy": {
            "down": {"display_name": "mlflow-dev: https://localhost unreachable", "enabled": False},
            "errors": {"display_name": "mlflow-dev: 5xx"},
        },
    }
}


def _run(tmp_path: Path, pki: Path, edge_port: int, api: str, ip: str = "127.0.0.1") -> Any:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    gcloud = bin_dir / "gcloud"
    gcloud.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> {tmp_path}/gcloud.log\n'
        'case "$1" in compute) echo ' + ip + " ;; auth) echo test-token ;; esac\n"
    )
    gcloud.chmod(0o755)
    stack = tmp_path / "cdk.tf.json"
    stack.write_text(json.dumps(STACK))
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "SSL_CERT_FILE": str(pki)}
    return subprocess.run(
        [sys.executable, "-m", "ops.edge_ready", f"--stack-json={stack}",
         f"--port={edge_port}", f"--monitoring-api={api}"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip


def test_a_ready_edge_arms_exactly_the_disarmed_alert(
    tmp_path: Path, pki: tuple[Path, Path, Path], edge: Any, monitoring: Any
) -> None:
    api = f"http://127.0.0.1:{monitoring.server_address[1]}"
    proc = _run(tmp_path, pki[0], edge.server_address[1], api)
    assert proc.returncode == 0, proc.stderr
    assert "armed projects/p-1/alertPolicies/42" in proc.stdout
    (get, patch) = _Monitoring.calls
    assert get[0] == "GET"
    assert get[2] == "Bearer test-token"
    assert "display_name+%3D+%22mlflow-dev%3A+https%3A%2F%2Flocalhost+unreachable%22" in get[1]
    assert patch == (
        "PATCH",
        "/v3/projects/p-1/alertPolicies/42?updateMask=enabled",
        {"enabled": True},
    )
    log = (tmp_path / "gcloud.log").read_text()
    assert "compute addresses describe mlflow-dev-ip --global --project=p-1" in log


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        ((200, ""), "answers 200 without sign-in: IAP does not guard the backend"),
        ((404, ""), "answers 404 '', not IAP's redirect to sign-in"),
        ((302, "https://evil.example/"), "not IAP's redirect to sign-in"),
        ((502, ""), "answers 502"),
    ],
)
def test_an_edge_that_answers_otherwise_arms_nothing(
    tmp_path: Path,
    pki: tuple[Path, Path, Path],
    edge: Any,
    monitoring: Any,
    answer: tuple[int, str],
    said: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_Edge, "answer", answer)
    api = f"http://127.0.0.1:{monitoring.server_address[1]}"
    proc = _run(tmp_path, pki[0], edge.server_address[1], api)
    assert proc.returncode == 1
    assert said in proc.stderr
    assert "Traceback" not in proc.stderr
    assert _Monitoring.calls == []


def test_a_certificate_not_yet_valid_for_the_host_arms_nothing(
    tmp_path: Path, edge: Any, monitoring: Any
) -> None:
    """The managed certificate is still provisioning: the edge shows a certificate no trusted
    CA signed (here: trusting a different CA than the one that signed the edge's)."""
    other_ca = _certificate(tmp_path, HOST)[0]
    api = f"http://127.0.0.1:{monitoring.server_address[1]}"
    proc = _run(tmp_path, other_ca, edge.server_address[1], api)
    assert proc.returncode == 1
    assert "the certificate for localhost is not valid yet" in proc.stderr
    assert _Monitoring.calls == []


def test_dns_pointing_elsewhere_arms_nothing(
    tmp_path: Path, pki: tuple[Path, Path, Path], edge: Any, monitoring: Any
) -> None:
    api = f"http://127.0.0.1:{monitoring.server_address[1]}"
    proc = _run(tmp_path, pki[0], edge.server_address[1], api, ip="127.0.0.9")
    assert proc.returncode == 1
    assert "localhost resolves to" in proc.stderr
    assert "not the static IP 127.0.0.9" in proc.stderr
    assert _Monitoring.calls == []


def test_a_stack_without_an_edge_says_so() -> None:
    with pytest.raises(edge_ready.EdgeError, match="no uptime check or no static IP"):
        edge_ready.edge_of({"resource": {}})


def test_the_committed_stack_creates_the_uptime_alert_disarmed_and_leaves_it_to_this_command() -> (
    None
):
    stack = json.loads((REPO_ROOT / "cdktf.out/stacks/mlflow-dev/cdk.tf.json").read_text())
    found = edge_ready.edge_of(stack)
    assert found.host == "mlflow.example.com"
    assert found.policies == ("mlflow-dev: https://mlflow.example.com unreachable",)
    policies = stack["resource"]["google_monitoring_alert_policy"]
    disarmed = [p for p in policies.values() if p.get("enabled") is False]
    assert [p["lifecycle"] for p in disarmed] == [{"ignore_changes": ["enabled"]}]
    assert all("enabled" not in p for p in policies.values() if p not in disarmed)
