"""Caller spoofing: no X-Forwarded-*/Forwarded-style header changes the caller class.

Design item 6: the class comes from the socket's peer alone (uvicorn --no-proxy-headers).
Without an assertion: from the LB or the node, refused (403, no assertion); from the pod
range, the in-cluster caller, which reaches /metrics only (403 here); from loopback,
port-forward's identity. Through the ingress nginx sets X-Forwarded-For itself: Bob.
"""

from __future__ import annotations

from tests.e2e.hostile.case import DIRECT, INGRESS, Case, answered_as, refused
from tests.e2e.peers import LOOPBACK, NODE, POD_PEER

CLS = "spoofing"
WHOAMI = "/api/2.0/mlflow/users/current"

SPOOFS: list[tuple[str, tuple[tuple[str, str], ...]]] = [
    ("xff-loopback", (("X-Forwarded-For", LOOPBACK),)),
    ("xff-ipv6-loopback", (("X-Forwarded-For", "::1"),)),
    ("xff-pod", (("X-Forwarded-For", POD_PEER),)),
    ("xff-real-pod-range", (("X-Forwarded-For", "10.16.0.7"),)),
    ("xff-node", (("X-Forwarded-For", NODE),)),
    ("xff-chain-ending-loopback", (("X-Forwarded-For", f"35.191.0.1, {LOOPBACK}"),)),
    ("xff-chain-starting-loopback", (("X-Forwarded-For", f"{LOOPBACK}, 35.191.0.1"),)),
    ("xff-twice", (("X-Forwarded-For", LOOPBACK), ("X-Forwarded-For", POD_PEER))),
    ("forwarded-for-loopback", (("Forwarded", f"for={LOOPBACK};proto=http"),)),
    ("forwarded-for-ipv6", (("Forwarded", 'for="[::1]"'),)),
    ("forwarded-for-pod", (("Forwarded", f"for={POD_PEER}"),)),
    ("x-real-ip-loopback", (("X-Real-IP", LOOPBACK),)),
    ("x-real-ip-pod", (("X-Real-IP", POD_PEER),)),
    ("client-ip", (("Client-IP", LOOPBACK),)),
    ("true-client-ip", (("True-Client-IP", LOOPBACK),)),
    ("x-client-ip", (("X-Client-IP", LOOPBACK),)),
    ("x-originating-ip", (("X-Originating-IP", LOOPBACK),)),
    ("x-cluster-client-ip", (("X-Cluster-Client-IP", POD_PEER),)),
    (
        "xff-with-host-and-proto",
        (
            ("X-Forwarded-For", LOOPBACK),
            ("X-Forwarded-Host", "localhost:5000"),
            ("X-Forwarded-Proto", "http"),
            ("X-Forwarded-Port", "5000"),
        ),
    ),
]

# The answer each peer gets without an assertion, whatever it claims.
UNCHANGED = {
    "lb": refused(403),
    "node": refused(403),
    "pod": refused(403),  # in-cluster: /metrics only (design item 7)
    "loopback": answered_as("port_forward"),
}


def cases() -> list[Case]:
    out: list[Case] = []
    for peer in DIRECT:
        for name, headers in SPOOFS:
            out.append(
                Case(CLS, peer, name, "GET", WHOAMI, UNCHANGED[peer], who=None, headers=headers)
            )
        # A write claiming another peer: nobody without an assertion may rename Bob's
        # experiment (port-forward reads others' resources only, in-cluster /metrics only).
        out.append(
            Case(CLS, peer, "xff-write-as-other-peer", "POST", "/api/2.0/mlflow/experiments/update",
                 refused(403), who=None,
                 headers=(("X-Forwarded-For", POD_PEER if peer == "loopback" else LOOPBACK),),
                 body='{"experiment_id": "$bob_exp", "new_name": "spoofed-$uid-' + peer + '"}')
        )  # fmt: skip
        # Any underscore in a header name is refused before anything (the guard's rule).
        out.append(
            Case(CLS, peer, "xff-underscores", "GET", WHOAMI, refused(400), who=None,
                 headers=(("x_forwarded_for", LOOPBACK),))
        )  # fmt: skip
    out.append(
        Case(CLS, INGRESS, "xff-underscores", "GET", WHOAMI, answered_as("bob"),
             headers=(("x_forwarded_for", LOOPBACK),))
    )  # fmt: skip
    for name, headers in SPOOFS:
        out.append(Case(CLS, INGRESS, name, "GET", WHOAMI, answered_as("bob"), headers=headers))
    return out


CASES = cases()
