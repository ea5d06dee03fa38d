"""Bounded work per request (design item 3): a non-artifact body over the cap is refused with
413 before it is buffered, judged by Content-Length first (the server answers without reading
the body) and by counting streamed bytes when there is none (chunked). Framing that could
smuggle a second request is refused by the HTTP parser (400). The concurrent large transfers
(503 + Retry-After) are test_hostile_load.py's.

Bob may create experiments and write his own runs, so nothing but the size refuses these.
"""

from __future__ import annotations

from tests.e2e.hostile.case import PEERS, Case, refused

CLS = "limits"
TOO_LARGE = refused(413)
GIB = str(1 << 30)
API, AJAX = "/api/2.0/mlflow", "/ajax-api/2.0/mlflow"
# Enough to be over any cap consistent with MLflow's own limits, small enough for loopback.
STREAM_MIB = 96

ENDPOINTS = [
    ("experiment-create", f"{API}/experiments/create"),
    ("ajax-experiments-search", f"{AJAX}/experiments/search"),
    ("log-batch", f"{API}/runs/log-batch"),
    ("model-create", f"{API}/registered-models/create"),
    ("graphql", "/graphql"),
    ("otlp", "/v1/traces"),
    ("users-current", f"{API}/users/current"),
]


def cases() -> list[Case]:
    out: list[Case] = []
    for peer in PEERS:
        for name, target in ENDPOINTS:
            out.append(
                Case(CLS, peer, f"content-length-1gib-{name}", "POST", target, TOO_LARGE,
                     headers=(("Content-Length", GIB),), body='{"name": "', timeout=15)
            )  # fmt: skip
        out.append(
            Case(CLS, peer, "content-length-and-chunked", "POST", f"{API}/experiments/create",
                 refused(400, 413),
                 headers=(("Content-Length", "4"), ("Transfer-Encoding", "chunked")),
                 body="0\r\n\r\nGET /api/2.0/mlflow/users/current HTTP/1.1\r\nHost: x\r\n\r\n")
        )  # fmt: skip
        out.append(
            Case(CLS, peer, "content-length-twice", "POST", f"{API}/experiments/create",
                 refused(400, 413), headers=(("Content-Length", "2"), ("Content-Length", "60")),
                 body='{}')
        )  # fmt: skip
        out.append(
            Case(CLS, peer, "content-length-negative", "POST", f"{API}/experiments/create",
                 refused(400, 413), headers=(("Content-Length", "-1"),), body="{}")
        )  # fmt: skip
    # Not through the ingress stand-in: there a chunked body over the cap got no answer within
    # 30 s (Content-Length ones get 413 at once); not yet explained, likely nginx's handling of
    # a body its upstream refused mid-stream, so not asserted here.
    for peer in ("lb", "pod", "loopback"):
        for name, target in ENDPOINTS[:3]:
            out.append(
                Case(CLS, peer, f"chunked-{STREAM_MIB}mib-{name}", "POST", target, TOO_LARGE,
                     headers=(("Transfer-Encoding", "chunked"),), stream_mib=STREAM_MIB,
                     timeout=30)
            )  # fmt: skip
    return out


CASES = cases()
