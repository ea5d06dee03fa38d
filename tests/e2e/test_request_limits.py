"""Bounded work per request, against the server as dist/ starts it (mlflow_iap_auth.limits; the
limits are the ConfigMap's, settings/limits.py derives them).

Mallory has no grant anywhere: the default READ. She sends what the finding sent (100 MiB
POSTs, declared and chunked, and stalled downloads of a 200 MiB artifact, many at once), from
the load balancer's side with her assertion and from port-forward; the server's memory stays
under its limit, its /tmp under the emptyDir's sizeLimit, and Bob's requests keep working.
Each request states what it expects. No clock: the waits are the server's own
(LIMITS_WAIT_SECONDS), never asserted on.
"""

from __future__ import annotations

import concurrent.futures
import http.client
import json
import threading
import time
from typing import Any

import pytest

from tests.e2e.conftest import Cluster
from tests.e2e.ingress import LB_ADDRESS
from tests.e2e.web import to_pod
from tests.support.google_standin import GoogleStandIn
from tests.support.heavy_requests import Answer, send_body, stalled_get
from tests.support.peaks import Peaks, folder_bytes

pytestmark = pytest.mark.e2e

MIB = 2**20
API = "/api/2.0/mlflow"
POST_SIZE = 100 * MIB  # the finding's POST
ARTIFACT_SIZE = 200 * MIB  # the finding's artifact
STALLED = 6
MALLORY, BOB, ALICE = "mallory@example.com", "bob@example.com", "alice@example.com"
# Memory per byte of a body the Flask bridge buffers (settings/limits.py BODY_MEMORY_FACTOR).
BODY_MEMORY_FACTOR = 4


def _quantity(value: str) -> int:
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30}
    for suffix, factor in units.items():
        if value.endswith(suffix):
            return int(value[: -len(suffix)]) * factor
    return int(value)


class People:
    def __init__(self, cluster: Cluster, google: GoogleStandIn) -> None:
        self.cluster, self.google = cluster, google
        self.port = cluster.container_port
        self.host = cluster.settings.ingress.host

    def headers(self, email: str) -> dict[str, str]:
        jwt = self.google.iap.assertion(
            email=email, user_id=str(abs(hash(email)) % 10**6), audience=self.cluster.audience
        )
        return {"x-goog-iap-jwt-assertion": jwt}

    def call(self, email: str, method: str, path: str, body: Any = None) -> Any:
        reply = to_pod(
            self.port,
            method,
            path,
            source=LB_ADDRESS,
            host=self.host,
            headers=self.headers(email),
            body=body,
        )
        return reply


@pytest.fixture(scope="module")
def people(cluster: Cluster, google: GoogleStandIn) -> People:
    return People(cluster, google)


@pytest.fixture(scope="module")
def limits(cluster: Cluster) -> dict[str, int]:
    assert cluster.server is not None
    env = cluster.server.container.env
    return {k: int(v) for k, v in env.items() if k.startswith("LIMITS_") and v.isdigit()}


@pytest.fixture(scope="module")
def artifact(people: People) -> str:
    """Alice's 200 MiB artifact, which everyone may read (default READ)."""
    name = f"e2e-limits-{time.time_ns()}"
    reply = people.call(ALICE, "POST", f"{API}/experiments/create", {"name": name})
    assert reply.status == 200, reply.body
    experiment = reply.json()["experiment_id"]
    run = {"experiment_id": experiment, "start_time": int(time.time() * 1000)}
    run_id = people.call(ALICE, "POST", f"{API}/runs/create", run).json()["run"]["info"]["run_id"]
    path = f"/api/2.0/mlflow-artifacts/artifacts/{experiment}/{run_id}/artifacts/big.bin"
    put = send_body(
        people.port,
        "PUT",
        path,
        ARTIFACT_SIZE,
        host=people.host,
        source=LB_ADDRESS,
        headers=people.headers(ALICE),
    )
    assert put.status == 200, put
    return path


def _bob_keeps_working(people: People, stop: Any) -> list[int]:
    """Bob's ordinary calls while the attack runs: a search and a small log-batch each round."""
    statuses = []
    search = {"max_results": 5}
    while not stop.is_set():
        statuses.append(people.call(BOB, "POST", f"{API}/experiments/search", search).status)
    return statuses


def test_oversized_bodies_are_refused_before_they_are_buffered(
    cluster: Cluster, people: People, limits: dict[str, int]
) -> None:
    assert cluster.server is not None
    memory_limit = _quantity(cluster.server.container.spec["resources"]["limits"]["memory"])
    cap = limits["LIMITS_BODY_MAX_BYTES"]
    budget = limits["LIMITS_BODY_BUDGET_BYTES"]
    assert cap < POST_SIZE
    log_before = len(cluster.server.logs())
    rss_before = cluster.server.rss_bytes()
    mallory = people.headers(MALLORY)
    # (source, headers, chunked): her assertion from the load balancer, and port-forward.
    attacks = [(LB_ADDRESS, mallory, False)] * 4 + [(LB_ADDRESS, mallory, True)] * 4
    attacks += [("127.0.0.1", {}, False), ("127.0.0.1", {}, True)]

    def attack(case: tuple[str, dict[str, str], bool]) -> Answer:
        source, headers, chunked = case
        return send_body(
            people.port,
            "POST",
            f"{API}/runs/log-batch",
            POST_SIZE,
            host=people.host,
            source=source,
            headers=headers,
            chunked=chunked,
        )

    stop = threading.Event()
    with (
        Peaks(cluster.pod.mounts["/tmp"], cluster.server) as peaks,
        concurrent.futures.ThreadPoolExecutor(len(attacks) + 1) as pool,
    ):
        bob = pool.submit(_bob_keeps_working, people, stop)
        answers = list(pool.map(attack, attacks))
        stop.set()
        bob_statuses = bob.result()

    declared = [a for a, (_, _, chunked) in zip(answers, attacks, strict=True) if not chunked]
    streamed = [a for a, (_, _, chunked) in zip(answers, attacks, strict=True) if chunked]
    # A declared body over the cap: 413 before a byte of it was sent (no 100 Continue).
    for answer in declared:
        assert answer.status == 413, answer
        assert json.loads(answer.body)["error_code"] == "REQUEST_LIMIT_EXCEEDED"
    # A chunked one: cut off once over the cap (413) or over her share (429); the client may
    # still be sending when the server closes, and then sees the connection go.
    assert all(a.status in (413, 429, None) for a in streamed), streamed
    refused = cluster.server.logs()[log_before:].count(
        "limits: refused POST /api/2.0/mlflow/runs/log-batch"
    )
    assert refused == len(attacks), cluster.server.logs()[log_before:][-3000:]
    # Nothing near the 100 MiB x 10 was held: at most what the budget admits, buffered.
    grew = peaks.rss_bytes - rss_before
    print(
        f"10 x 100 MiB POSTs: server RSS +{grew / MIB:.0f} MiB (peak {peaks.rss_bytes / MIB:.0f})"
    )
    assert grew <= BODY_MEMORY_FACTOR * budget + 64 * MIB, grew / MIB
    assert peaks.rss_bytes < memory_limit
    # Bob was never refused.
    assert bob_statuses, "Bob sent nothing"
    assert set(bob_statuses) == {200}, bob_statuses


def test_stalled_downloads_stay_within_tmp_and_leave_room_for_others(
    cluster: Cluster, people: People, artifact: str, limits: dict[str, int]
) -> None:
    assert cluster.server is not None
    tmp = cluster.pod.mounts["/tmp"]
    (volume,) = [v for v in cluster.pod.spec["volumes"] if v["name"] == "tmp"]
    tmp_limit = _quantity(volume["emptyDir"]["sizeLimit"])
    memory_limit = _quantity(cluster.server.container.spec["resources"]["limits"]["memory"])
    # One largest file per caller: her share is half the /tmp budget.
    share = max(limits["LIMITS_TRANSFER_MAX_BYTES"], limits["LIMITS_TRANSFER_BUDGET_BYTES"] // 2)
    admitted_at_most = share // limits["LIMITS_TRANSFER_MAX_BYTES"]
    baseline = folder_bytes(tmp)
    mallory = people.headers(MALLORY)

    def stall(_: int) -> Answer:
        return stalled_get(
            people.port, artifact, host=people.host, source=LB_ADDRESS, headers=mallory
        )

    with Peaks(tmp, cluster.server) as peaks, concurrent.futures.ThreadPoolExecutor(STALLED) as ex:
        pending = [ex.submit(stall, i) for i in range(STALLED)]
        # Bob downloads the same artifact whole while hers hang (or wait for room).
        bob = send_get_whole(people, BOB, artifact)
        stalled = [f.result() for f in pending]
    try:
        statuses = sorted(a.status or 0 for a in stalled)
        print(
            f"{STALLED} stalled downloads of {ARTIFACT_SIZE // MIB} MiB: {statuses}; peak /tmp "
            f"+{(peaks.tmp_bytes - baseline) / MIB:.0f} MiB of {tmp_limit / MIB:.0f}, peak RSS "
            f"{peaks.rss_bytes / MIB:.0f} MiB"
        )
        # Bob got his whole file.
        assert bob == (200, ARTIFACT_SIZE)
        # Mallory: her share admitted (the rest after the server's wait): 429 with Retry-After.
        admitted = [a for a in stalled if a.status == 200]
        refused = [a for a in stalled if a.status == 429]
        assert 1 <= len(admitted) <= admitted_at_most, statuses
        assert len(admitted) + len(refused) == STALLED, statuses
        assert all(int(a.headers["retry-after"]) > 0 for a in refused)
        # /tmp held her admitted downloads and Bob's, never the STALLED x 200 MiB.
        in_tmp = peaks.tmp_bytes - baseline
        assert in_tmp <= (len(admitted) + 1) * ARTIFACT_SIZE + 16 * MIB, in_tmp / MIB
        assert in_tmp < tmp_limit
        assert peaks.rss_bytes < memory_limit
    finally:
        for answer in stalled:
            answer.close()
    # Her hung connections gone, the room is given back: her own download goes through.
    assert send_get_whole(people, MALLORY, artifact) == (200, ARTIFACT_SIZE)


def send_get_whole(people: People, email: str, path: str) -> tuple[int, int]:
    """A download read to its end: (status, bytes)."""
    conn = http.client.HTTPConnection(
        "127.0.0.1", people.port, timeout=600, source_address=(LB_ADDRESS, 0)
    )
    try:
        conn.request("GET", path, headers={"Host": people.host, **people.headers(email)})
        response = conn.getresponse()
        size = 0
        while block := response.read(MIB):
            size += len(block)
        return response.status, size
    finally:
        conn.close()
