"""Attack peaks: the server's memory and /tmp under many concurrent oversized and stalled
requests from one READ-only caller, with the limits of mlflow_iap_auth.limits and without.

    .venv/bin/python -m bench.attack_peaks [--posts 4x100] [--stalled 6x200] [--json out.json]

Runs the e2e fixture's pod (bench/subject.py) twice, IAP identities on, against a throwaway
PostgreSQL and the GCS emulator: once as the manifests configure it, once with the limits lifted
(the LIMITS_* entries set beyond any request: MLflow as it is). The caller is port-forward's
(the default READ); in each run:

* posts: N concurrent POSTs of M MiB to runs/log-batch, half declared (Content-Length), half
  chunked: MLflow's Flask bridge buffers each whole before its permission check;
* stalled: N concurrent downloads of an M MiB object whose bodies are never read: MLflow copies
  the object to /tmp for each before the first byte goes out, and keeps it there.

Reported: the server's peak RSS over its idle RSS, and the peak /tmp, for each, with the ratio
limited / unlimited; the answers' statuses. Figures from one run on this machine (a busy box
moves them); not a timed test. The e2e test of the same (tests/e2e/test_request_limits.py)
asserts the bounds.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.subject import (
    Server,
    backing_services,
    create_database,
    migrated,
    serving,
    subject_settings,
    synthesized,
)
from settings import Settings
from tests.support.gcs import GcsEmulator
from tests.support.google_standin import google_standin
from tests.support.heavy_requests import MIB, Answer, send_body, stalled_get
from tests.support.manifests import Manifests
from tests.support.peaks import Peaks, folder_bytes
from tests.support.pod import Pod

# The limits lifted (MLflow's own behaviour): budgets beyond any attack. A download reserves
# the largest upload's size, so that stays 1 GiB (above the object) under a 1 PiB budget.
UNLIMITED = {
    "LIMITS_BODY_MAX_BYTES": str(2**40),
    "LIMITS_BODY_BUDGET_BYTES": str(2**50),
    "LIMITS_TRANSFER_MAX_BYTES": str(2**30),
    "LIMITS_TRANSFER_BUDGET_BYTES": str(2**50),
}
OBJECT = "0/bench-attack/big.bin"  # in the Default experiment: everyone's READ


@dataclass
class Peak:
    rss_growth_mib: float
    tmp_mib: float
    statuses: list[int]


def _sizes(text: str) -> tuple[int, int]:
    count, mib = (int(p) for p in text.split("x"))
    return count, mib


def _put_object(settings: Settings, gcs: GcsEmulator, mib: int) -> None:
    """The artifact, straight into the bucket (port-forward's READ caller cannot upload)."""
    with tempfile.NamedTemporaryFile(prefix="bench-attack-") as f:
        block = os.urandom(MIB)
        for _ in range(mib):
            f.write(block)
        f.flush()
        name = f"{settings.bucket.artifact_prefix}/{OBJECT}"
        gcs.client().bucket(settings.names.bucket).blob(name).upload_from_filename(f.name)


def _attack(server: Server, pod: Pod, posts: tuple[int, int], stalled: tuple[int, int]) -> dict:
    port = int(server.container.container.env["MLFLOW_PORT"])
    tmp = pod.mounts["/tmp"]
    count, mib = posts

    def post(chunked: bool) -> Answer:
        return send_body(
            port,
            "POST",
            "/api/2.0/mlflow/runs/log-batch",
            mib * MIB,
            host=server.host,
            chunked=chunked,
        )

    idle_rss, idle_tmp = server.container.rss_bytes(), folder_bytes(tmp)
    with Peaks(tmp, server.container) as peaks, concurrent.futures.ThreadPoolExecutor(count) as ex:
        answers = list(ex.map(post, [i % 2 == 1 for i in range(count)]))
    result = {
        "posts": Peak(
            (peaks.rss_bytes - idle_rss) / MIB,
            (peaks.tmp_bytes - idle_tmp) / MIB,
            sorted(a.status or 0 for a in answers),
        )
    }

    count, _ = stalled
    idle_rss, idle_tmp = server.container.rss_bytes(), folder_bytes(tmp)
    path = f"/api/2.0/mlflow-artifacts/artifacts/{OBJECT}"
    with Peaks(tmp, server.container) as peaks, concurrent.futures.ThreadPoolExecutor(count) as ex:
        hung = list(ex.map(lambda _: stalled_get(port, path, host=server.host), range(count)))
    for answer in hung:
        answer.close()
    result["stalled"] = Peak(
        (peaks.rss_bytes - idle_rss) / MIB,
        (peaks.tmp_bytes - idle_tmp) / MIB,
        sorted(a.status or 0 for a in hung),
    )
    return result


@contextlib.contextmanager
def _server(
    settings: Settings, manifests: Manifests, services: tuple, keys_url: str, variant: dict
) -> Iterator[tuple[Server, Pod]]:
    pg, gcs = services
    password = create_database(pg, settings)
    with (
        migrated(
            manifests,
            pg,
            gcs,
            password,
            extra_env={"IAP_KEYS_URL": keys_url},
            overrides=variant,
        ) as (pod, _),
        serving(settings, pod) as server,
    ):
        yield server, pod


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", default="4x100", help="N x MiB concurrent POSTs.")
    parser.add_argument("--stalled", default="6x200", help="N x MiB stalled downloads.")
    parser.add_argument("--json", type=Path, help="Also write the figures here.")
    parser.add_argument(
        "--manifests", type=Path, help="A folder synthesized from tests/configs/e2e.yaml."
    )
    args = parser.parse_args()
    posts, stalled = _sizes(args.posts), _sizes(args.stalled)

    settings = subject_settings()
    results: dict[str, dict] = {}
    with contextlib.ExitStack() as stack:
        folder = args.manifests or stack.enter_context(synthesized(settings))
        manifests = Manifests.load(folder)
        google = stack.enter_context(google_standin())
        for name, variant in (("limited", {}), ("unlimited", UNLIMITED)):
            # A fresh PostgreSQL and bucket per run: nothing of the first run is left to the next.
            with backing_services(settings) as services:
                _put_object(settings, services[1], stalled[1])
                with _server(settings, manifests, services, google.keys_url, variant) as (
                    server,
                    pod,
                ):
                    results[name] = _attack(server, pod, posts, stalled)

    limited, unlimited = results["limited"], results["unlimited"]
    print(
        f"attack peaks, one READ-only caller (port-forward), {os.cpu_count()} CPUs: "
        f"{posts[0]} x {posts[1]} MiB POSTs, {stalled[0]} stalled downloads of {stalled[1]} MiB"
    )
    print(f"{'':<26}{'limited':>12}{'unlimited':>12}{'ratio':>8}")
    figures = {}
    # What each attack is about: memory for the bodies, /tmp for the stalled downloads.
    for case, label, key in (
        ("posts", "server RSS +", "rss_growth_mib"),
        ("posts", "/tmp peak", "tmp_mib"),
        ("stalled", "server RSS +", "rss_growth_mib"),
        ("stalled", "/tmp peak", "tmp_mib"),
    ):
        a, b = getattr(limited[case], key), getattr(unlimited[case], key)
        shown = ""
        if (case, key) in (("posts", "rss_growth_mib"), ("stalled", "tmp_mib")):
            figures[f"{case}_{key}_ratio"] = a / b
            shown = f"{a / b:>7.2f}x"
        print(f"{case + ': ' + label:<26}{a:>8.0f} MiB{b:>8.0f} MiB{shown}")
    for case in ("posts", "stalled"):
        print(f"{case + ': statuses':<26}{limited[case].statuses} / {unlimited[case].statuses}")
    if args.json:
        data = {k: {c: asdict(p) for c, p in v.items()} for k, v in results.items()}
        args.json.write_text(json.dumps({**data, "ratios": figures}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
