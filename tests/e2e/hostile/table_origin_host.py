"""Foreign Origin and Host: a web page elsewhere (or on a name it rebinds to the pod) cannot
use a browser to call the server.

Design item 4: allowed hosts are exact (the Service's DNS forms, the ingress host, the
port-forward forms with the port-forward port, the pod's own IP): MLflow answers any other
Host with 403 ("Invalid Host header"). The plugin refuses any Origin that is not exactly one
of MLFLOW_SERVER_CORS_ALLOWED_ORIGINS (MLflow itself trusts every localhost port): 403.
Port-forward's loopback is the rebinding target (make port-forward on a laptop), so every
case runs from it; the others from the LB (Bob), the pod (Bob) and the ingress.
"""

from __future__ import annotations

from tests.e2e.hostile.case import INGRESS, Case, refused

CLS = "origin-host"
FORBIDDEN = refused(403)
READ = ("GET", "/api/2.0/mlflow/experiments/search?max_results=5", None)
WRITE = ("POST", "/ajax-api/2.0/mlflow/experiments/create", '{"name": "cors-$uid-%s"}')

ORIGINS = [
    ("origin-localhost-other-port", "http://localhost:5001"),
    ("origin-localhost-no-port", "http://localhost"),
    ("origin-loopback-other-port", "http://127.0.0.1:9999"),
    ("origin-ipv6-loopback-other-port", "http://[::1]:5001"),
    ("origin-null", "null"),
    ("origin-attacker", "https://evil.example"),
    ("origin-ingress-suffix", "https://tracking.e2e.example.evil.example"),
    ("origin-ingress-prefix", "https://evil-tracking.e2e.example"),
    ("origin-ingress-over-http", "http://tracking.e2e.example"),
    ("origin-ingress-other-port", "https://tracking.e2e.example:8443"),
    ("origin-file", "file://"),
    ("origin-pod-range", "http://10.16.0.7:5000"),
    ("origin-rebinding-name", "http://10.16.rebind.attacker.example:5000"),
]

HOSTS = [
    ("host-rebinding-pod-range", "10.16.rebind.attacker.example:5000"),
    ("host-rebinding-pod-range-no-port", "10.17.rebind.attacker.example"),
    ("host-pod-range-ip-not-this-pod", "10.16.0.7:5000"),
    ("host-pod-range-ip-other", "10.19.255.1"),
    ("host-attacker", "attacker.example"),
    ("host-localhost-other-port", "localhost:5001"),
    ("host-loopback-other-port", "127.0.0.1:9999"),
    ("host-localhost-suffix", "localhost.attacker.example:5000"),
    ("host-ingress-suffix", "tracking.e2e.example.attacker.example"),
    ("host-service-suffix", "$service_host.attacker.example"),
    ("host-ipv6-loopback-other-port", "[::1]:5001"),
    ("host-userinfo", "localhost:5000@attacker.example"),
    ("host-blank", " "),
]


def cases() -> list[Case]:
    out: list[Case] = []
    for peer in ("loopback", "lb", "pod", INGRESS):
        who = None if peer == "loopback" else "bob"
        for name, origin in ORIGINS:
            for verb, (method, target, body) in (("read", READ), ("write", WRITE)):
                if (
                    peer != "loopback"
                    and verb == "write"
                    and name
                    not in ("origin-null", "origin-attacker", "origin-localhost-other-port")
                ):
                    continue
                out.append(
                    Case(CLS, peer, f"{name}-{verb}", method, target, FORBIDDEN, who=who,
                         headers=(("Origin", origin),),
                         body=None if body is None else body % (peer + name))
                )  # fmt: skip
        if peer == INGRESS:
            continue  # nginx answers an unknown Host itself (one server block: it proxies it)
        for name, host in HOSTS:
            out.append(Case(CLS, peer, name, READ[0], READ[1], FORBIDDEN, who=who, host=host))
    for name, host in HOSTS[:6]:
        out.append(Case(CLS, INGRESS, name, READ[0], READ[1], FORBIDDEN, host=host))
    # No Host at all, and two of them: HTTP/1.1 requires exactly one (400).
    for peer in ("loopback", "lb"):
        who = None if peer == "loopback" else "bob"
        out.append(
            Case(CLS, peer, "host-missing", READ[0], READ[1], refused(400, 403), who=who, host="")
        )
        out.append(
            Case(CLS, peer, "host-twice", READ[0], READ[1], refused(400, 403), who=who,
                 headers=(("Host", "attacker.example"),))
        )  # fmt: skip
    return out


CASES = cases()
