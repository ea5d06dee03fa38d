"""`make edge-ready`: arm the edge's uptime alert once https://<host>/ really answers.

The stack creates the alert "https://<host> unreachable" disabled (infra/monitoring/ingress.py):
between `make deploy` and the moment DNS points at the static IP and the managed certificate is
active (up to an hour), every uptime check fails, and an armed alert would page about a
deployment that is fine. This command checks what the uptime check checks, from this machine:

1. the host resolves to the static IP the stack reserved (read with gcloud by its name from the
   synthesized Terraform JSON);
2. an HTTPS GET of https://<host>/ sent to that IP, with the certificate validated for the host,
   answers 302 to Google's sign-in (IAP guarding the backend);

and when both hold, enables every alert policy whose display name the stack gave the uptime
alert (the Monitoring API's alertPolicies.patch with updateMask=enabled). Terraform ignores
`enabled` on that policy, so a later deploy never disarms it. With --wait-minutes it retries
every 30 s until the edge answers or the time is up (exit 1, naming what it saw last).

    python -m ops.edge_ready --stack-json cdktf.out/stacks/<stack>/cdk.tf.json [--wait-minutes 60]
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import ssl
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MONITORING_API = "https://monitoring.googleapis.com"
IAP_SIGN_IN_HOSTS = ("accounts.google.com",)
RETRY_SECONDS = 30


class EdgeError(Exception):
    """What stops the command, in words a person acts on."""


@dataclass(frozen=True)
class Edge:
    """What the synthesized stack says about the edge and its armed-later alerts."""

    project: str
    host: str
    address_name: str
    policies: tuple[str, ...]  # display names of the alerts created disabled


def edge_of(stack: dict[str, Any]) -> Edge:
    resources = stack.get("resource", {})
    checks = list(resources.get("google_monitoring_uptime_check_config", {}).values())
    addresses = list(resources.get("google_compute_global_address", {}).values())
    if not checks or not addresses:
        raise EdgeError(
            "this environment has no uptime check or no static IP (monitoring.enabled false, "
            "or a platform without an edge): nothing to arm"
        )
    (check,) = checks
    labels = check["monitored_resource"]["labels"]
    policies = tuple(
        p["display_name"]
        for p in resources.get("google_monitoring_alert_policy", {}).values()
        if p.get("enabled") is False
    )
    return Edge(
        project=labels["project_id"],
        host=labels["host"],
        address_name=addresses[0]["name"],
        policies=policies,
    )


def gcloud(*args: str) -> str:
    try:
        proc = subprocess.run(
            ["gcloud", *args], capture_output=True, text=True, check=False, timeout=120
        )
    except FileNotFoundError as exc:
        raise EdgeError(
            "gcloud is not installed (https://cloud.google.com/sdk/docs/install)"
        ) from exc
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        raise EdgeError(f"gcloud {' '.join(args[:3])} failed: {last} (run `gcloud auth login`?)")
    return proc.stdout.strip()


def static_ip(edge: Edge) -> str:
    return gcloud(
        "compute", "addresses", "describe", edge.address_name, "--global",
        f"--project={edge.project}", "--format=value(address)",
    )  # fmt: skip


def probe(host: str, ip: str, port: int = 443) -> str | None:
    """None when the edge answers like the uptime check wants it to, else what is wrong."""
    try:
        resolved = {str(a[4][0]) for a in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)}
    except socket.gaierror as exc:
        return f"{host} does not resolve ({exc.strerror}): create its A record pointing at {ip}"
    if ip not in resolved:
        return f"{host} resolves to {', '.join(sorted(resolved))}, not the static IP {ip}"
    context = ssl.create_default_context()
    try:
        with (
            socket.create_connection((ip, port), timeout=10) as raw,
            context.wrap_socket(raw, server_hostname=host) as tls,
        ):
            conn = http.client.HTTPConnection(host, port)
            conn.sock = tls
            conn.request("GET", "/", headers={"Host": host, "User-Agent": "mlflow-edge-ready"})
            response = conn.getresponse()
            status, location = response.status, response.getheader("Location") or ""
    except ssl.SSLCertVerificationError as exc:
        return (
            f"the certificate for {host} is not valid yet ({exc.verify_message}): the managed "
            "certificate is still provisioning (kubectl describe managedcertificate)"
        )
    except (OSError, http.client.HTTPException) as exc:
        return f"https://{host}/ on {ip} does not answer: {exc}"
    if status == 200:
        return f"https://{host}/ answers 200 without sign-in: IAP does not guard the backend"
    where = urllib.parse.urlsplit(location).hostname or ""
    if status != 302 or where not in IAP_SIGN_IN_HOSTS:
        return f"https://{host}/ answers {status} {location!r}, not IAP's redirect to sign-in"
    return None


def _call(method: str, url: str, token: str, body: dict[str, Any] | None = None) -> Any:
    if not url.startswith(("https://", "http://127.")):
        raise EdgeError(f"refusing to send a token to {url}: only https")
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (checked)
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (checked)
            return json.load(response)
    except urllib.error.HTTPError as exc:
        raise EdgeError(
            f"the Monitoring API answered {exc.code} to {method} {url}: "
            f"{exc.read().decode(errors='replace')[:300]}"
        ) from exc
    except urllib.error.URLError as exc:
        raise EdgeError(f"cannot reach the Monitoring API ({exc.reason}): offline?") from exc


def arm(edge: Edge, token: str, api: str = MONITORING_API) -> list[str]:
    """Enable the alert policies the stack created disabled; their resource names."""
    armed = []
    for title in edge.policies:
        query = urllib.parse.urlencode({"filter": f'display_name = "{title}"'})
        found = _call("GET", f"{api}/v3/projects/{edge.project}/alertPolicies?{query}", token)
        policies = found.get("alertPolicies", [])
        if not policies:
            raise EdgeError(f"no alert policy {title!r} in {edge.project}: run `make deploy` first")
        for policy in policies:
            _call(
                "PATCH", f"{api}/v3/{policy['name']}?updateMask=enabled", token, {"enabled": True}
            )
            armed.append(policy["name"])
    return armed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack-json", type=Path, required=True)
    parser.add_argument("--wait-minutes", type=float, default=0)
    parser.add_argument("--port", type=int, default=443, help=argparse.SUPPRESS)
    parser.add_argument("--monitoring-api", default=MONITORING_API, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        edge = edge_of(json.loads(args.stack_json.read_text(encoding="utf-8")))
        ip = static_ip(edge)
        deadline = time.monotonic() + 60 * args.wait_minutes
        while (problem := probe(edge.host, ip, args.port)) is not None:
            if time.monotonic() >= deadline:
                raise EdgeError(f"the edge is not ready: {problem}")
            print(f"waiting: {problem}", file=sys.stderr)
            time.sleep(RETRY_SECONDS)
        print(f"https://{edge.host}/ answers IAP's sign-in redirect with a valid certificate")
        token = gcloud("auth", "print-access-token")
        for name in arm(edge, token, args.monitoring_api):
            print(f"armed {name}")
    except EdgeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
