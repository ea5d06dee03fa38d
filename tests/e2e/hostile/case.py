"""A hostile request and what it must get: the rows of the suite's tables.

Values in a case's target, header values and body are templates ($exp, $run, $admin... see
world.World.values): the protected resources are made when the suite starts, their ids are
not known when the table is written. Everything else is sent exactly as written (raw.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Where a request comes from: the ingress stand-in (nginx + IAP, a user's bearer token), or
# straight to the pod from a peer of tests/e2e/peers.py.
INGRESS = "ingress"
DIRECT = ("lb", "pod", "node", "loopback")
PEERS = (INGRESS, *DIRECT)

# Who the request is from. A user's name: through the ingress that user's ID token, straight
# to the pod IAP's valid assertion for them. None: no credential (the peer's own class: port-
# forward from loopback, in-cluster from the pod range, nobody from the LB or the node).
Who = str | None


@dataclass(frozen=True)
class Expect:
    """What the answer must be. Every answer must also not be a 5xx (unless `status` names
    one: 503 for admission) and must not hold the protected content (World.secret).

    status: the exact status the design fixes, or the statuses any of which is right.
    identity: the caller MLflow sees (users/current's username): a role of World.values.
    not_admin: whatever answers, MLflow does not see an admin.
    """

    status: frozenset[int] = frozenset()
    identity: str | None = None
    not_admin: bool = False
    refused: bool = True  # not 2xx

    def describe(self) -> str:
        parts = []
        if self.status:
            parts.append("status " + "/".join(str(s) for s in sorted(self.status)))
        elif self.refused:
            parts.append("refused (not 2xx)")
        if self.identity:
            parts.append(f"identity is ${self.identity}")
        if self.not_admin:
            parts.append("not an admin")
        parts.append("not the protected content, never 5xx")
        return ", ".join(parts)


def refused(*statuses: int) -> Expect:
    """Refused: with one of `statuses` when the design fixes it, else any non-2xx."""
    return Expect(status=frozenset(statuses))


def answered_as(role: str) -> Expect:
    """Admitted (200) as `role` (users/current says so): the attack changed nothing."""
    return Expect(status=frozenset({200}), identity=role, refused=False)


def hidden() -> Expect:
    """Any status but 5xx, as long as the protected content is not in the answer (searches
    filter what the caller may not read rather than refuse)."""
    return Expect(refused=False)


NOT_ADMIN = Expect(not_admin=True, refused=False)


@dataclass(frozen=True)
class Case:
    cls: str  # the attack class (test ids and counts group by it)
    peer: str  # one of PEERS
    name: str  # what is tried, readable; unique within (cls, peer)
    method: str
    target: str  # the raw request-target, a template
    expect: Expect
    who: Who = "bob"
    # (name, value) pairs, or raw header lines (folding, odd spellings); values are templates.
    headers: tuple[tuple[str, str] | str, ...] = ()
    body: str | None = None  # a template; sent as UTF-8 with Content-Length
    # The Host header: None = the peer's usual one (the ingress host through the LB and the
    # ingress, the Service's name from inside); "" = no Host header at all; else as written.
    host: str | None = None
    forged: str | None = None  # a world.forged() kind sent as x-goog-iap-jwt-assertion
    json: bool = field(default=True)  # add Content-Type: application/json to a body
    # Bounded work: stream this many MiB of body (chunked) after the head, stopping as soon as
    # the server answers; and how long to wait for that answer.
    stream_mib: int = 0
    timeout: float = 30.0

    @property
    def id(self) -> str:
        return f"{self.cls}/{self.peer}/{self.name}"


def for_peers(peers: tuple[str, ...], **kwargs: object) -> list[Case]:
    return [Case(peer=p, **kwargs) for p in peers]  # type: ignore[arg-type]
