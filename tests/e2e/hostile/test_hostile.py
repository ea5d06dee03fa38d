"""Each hostile request, sent raw, gets what its case says (tests/e2e/hostile/case.py).

Whatever a case expects, no answer is a 5xx (a refusal is never a crash; 503 only where a
case names it) and none holds the protected content. One module-scoped world (Alice's
resources, Bob's denial) serves every case; the session's server and ingress stand-in are
reused (tests/e2e/conftest.py).
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from tests.e2e.conftest import Cluster
from tests.e2e.hostile.case import PEERS, Case
from tests.e2e.hostile.cases import ALL, CLASSES
from tests.e2e.hostile.raw import Answer
from tests.e2e.hostile.world import World
from tests.e2e.ingress import IngressStandIn
from tests.support.google_standin import GoogleStandIn

pytestmark = pytest.mark.e2e

MINIMUM = 300


@pytest.fixture(scope="module")
def world(cluster: Cluster, ingress: IngressStandIn, google: GoogleStandIn) -> World:
    return World(cluster, ingress, google).build()


def _username(answer: Answer) -> tuple[str, bool] | None:
    try:
        user = json.loads(answer.body)["user"]
        return str(user["username"]), bool(user["is_admin"])
    except (ValueError, KeyError, TypeError):
        return None


def check(world: World, case: Case, answer: Answer) -> None:
    expect = case.expect
    said = f"{case.id}: {case.method} {case.target} expected {expect.describe()}; got " + (
        f"{answer.status} {answer.text[:400]!r}"
    )
    assert answer.status < 500 or answer.status in expect.status, said
    assert "Traceback" not in answer.text, said
    assert world.secret not in answer.text, said
    if expect.status:
        assert answer.status in expect.status, said
    if expect.refused:
        assert not 200 <= answer.status < 300, said
    if expect.identity is not None:
        assert _username(answer) == (world.user(expect.identity), False), said
    if expect.not_admin and 200 <= answer.status < 300:
        who = _username(answer)
        assert who is not None, said
        assert not who[1], said
        assert who[0] != world.cluster.admin, said


@pytest.mark.parametrize("case", ALL, ids=[c.id for c in ALL])
def test_hostile_request(world: World, case: Case) -> None:
    check(world, case, world.send(case))


def _distinct(case: Case) -> tuple[object, ...]:
    return (case.peer, case.method, case.target, case.headers, case.body, case.host,
            case.forged, case.who, case.stream_mib)  # fmt: skip


def test_the_suite_is_large_and_covers_every_class_and_peer() -> None:
    """At least MINIMUM distinct requests (no two the same bytes but for fresh ids), unique
    ids, every class tried, every peer used."""
    ids = [c.id for c in ALL]
    assert len(set(ids)) == len(ids), [i for i, n in Counter(ids).items() if n > 1]
    distinct = {_distinct(c) for c in ALL}
    assert len(distinct) == len(ALL), "two cases send the same request"
    assert len(distinct) >= MINIMUM, len(distinct)
    assert {c.cls for c in ALL} == set(CLASSES)
    assert {c.peer for c in ALL} == set(PEERS)
    for cls in CLASSES:
        peers = {c.peer for c in ALL if c.cls == cls}
        assert len(peers) >= 2, (cls, peers)
