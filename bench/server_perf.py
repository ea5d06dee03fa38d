"""Server performance: the server as the project configures it, with and without IAP
identities, vs. `mlflow server` with its defaults.

    .venv/bin/python -m bench.server_perf [--seconds 20] [--clients 4] [--manifests DIR]

The project's manifests are the e2e fixture's (tests/configs/e2e.yaml: the defaults, IAP
identities on), synthesized into a temporary folder, so that the figures never depend on the
team's config/; --manifests measures another folder synthesized from that fixture.
All run on this machine against the same throwaway PostgreSQL 18 and GCS emulator as the
e2e tests (tests/support/):

* project, IAP + permissions (the hardened configuration: request guard, bounded work,
  the audience pinned by the server's own lookup): the Deployment's `db-migrate` and `mlflow`
  containers,
  with their command, args and environment as written there (the e2e harness's Pod): IAP's
  signed header verified (keys from the e2e stand-in for Google's key set), MLflow's auth app
  and permissions on. The clients connect from 127.0.0.2 (the load balancer's side) and send a
  signed `x-goog-iap-jwt-assertion`, one per client, as IAP sends one per signed-in user; each
  client is its own user, in an experiment it created (MANAGE);
* project, auth off: the same pod with the auth mode switched off (SERVER_APP_NAME and
  AUTH_DB_NAME empty): the configuration before IAP identities, the same workload;
* default: `mlflow server --backend-store-uri <same PostgreSQL> --host 127.0.0.1 --port <p>`,
  i.e. uvicorn with 4 workers and MLflow's job runner (huey consumers) enabled.

Load: N client threads, each with its own keep-alive connection, experiment and run, POST
/api/2.0/mlflow/runs/log-metric back to back (after a warm-up). All servers run at once and
take turns, in --rounds slices in alternating order, so that the machine's background load
weighs on each alike; the ratios come from one run. Memory: the
server's whole process tree, sampled every 0.5 s: the sum of RSS (what `ps` shows, counting
pages shared after fork once per process) and of PSS (shared pages split: what the container's
cgroup is charged for). Prints a table and the ratio of throughputs; --json writes the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from bench.server_load import Caller, Target, measure
from bench.subject import (
    AUTH_OFF,
    backing_services,
    create_database,
    migrated,
    serving,
    subject_settings,
    synthesized,
)
from settings import Settings
from tests.support.gcs import GcsEmulator
from tests.support.google_standin import GoogleStandIn, google_standin
from tests.support.manifests import Manifests
from tests.support.net import free_port, wait_http_ok
from tests.support.postgres import PostgresServer

# The backend service the stand-in Compute API lists for the server (as the GKE Ingress
# controller's would be): the server looks it up at start and pins it, as on GKE.
BACKEND_SERVICE_ID = "4242424242424242"


def iap_caller(google: GoogleStandIn, audience_prefix: str) -> Caller:
    """The load balancer's side (127.0.0.2), one signed assertion per client (a user each)."""
    assertions: dict[int, str] = {}

    def headers(index: int) -> dict[str, str]:
        if index not in assertions:
            assertions[index] = google.iap.assertion(
                email=f"bench-{index}@example.com",
                user_id=str(1000 + index),
                audience=f"{audience_prefix}{BACKEND_SERVICE_ID}",
            )
        return {"x-goog-iap-jwt-assertion": assertions[index]}

    return Caller(source="127.0.0.2", headers=headers)


@contextlib.contextmanager
def project_server(
    settings: Settings,
    manifests_dir: Path,
    pg: PostgresServer,
    gcs: GcsEmulator,
    google: GoogleStandIn,
    password: str,
    variant: dict[str, str],
    *,
    name: str,
    caller: Caller,
) -> Iterator[Target]:
    manifests = Manifests.load(manifests_dir)
    # Google's endpoints on loopback: IAP's key set, the metadata server's token and the
    # Compute API the server finds its backend service by.
    keys = {
        "IAP_KEYS_URL": google.keys_url,
        "GCE_METADATA_HOST": google.metadata_host,
        "IAP_COMPUTE_URL": google.compute_url,
    }
    peak = ("/usr/bin/time", "-f", "maxrss_kib=%M")
    with migrated(
        manifests, pg, gcs, password, extra_env=keys, overrides=variant, wrapper=peak
    ) as (pod, migrate):
        peak_kib = re.findall(r"^maxrss_kib=(\d+)$", migrate.stderr, flags=re.M)
        print(f"db-migrate, {name}: peak RSS {int(peak_kib[-1]) / 1024:.0f} MiB")
        with serving(settings, pod) as server:
            yield Target(name, server.container.proc.pid, server.url, server.host, caller)


@contextlib.contextmanager
def default_server(settings: Settings, pg: PostgresServer, password: str) -> Iterator[Target]:
    from urllib.parse import quote

    names = settings.names
    uri = (
        f"postgresql+psycopg2://{names.db_user}:{quote(password, safe='')}"
        f"@127.0.0.1:{pg.port}/mlflow_default"
    )
    port = free_port()
    shm = Path("/dev/shm")
    before = set(shm.iterdir()) if shm.is_dir() else set()
    with tempfile.TemporaryDirectory(prefix="bench-default-") as cwd:
        log = Path(cwd) / "server.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "mlflow",
                    "server",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                ],
                cwd=cwd,
                env={**os.environ, "MLFLOW_BACKEND_STORE_URI": uri, "TMPDIR": cwd},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_http_ok(f"{url}/health", timeout=180)
            yield Target("mlflow server defaults", proc.pid, url, f"127.0.0.1:{port}", Caller())
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, 15)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait()
            # The job runner keeps its huey queues in a /dev/shm folder it does not remove.
            for path in (set(shm.iterdir()) if shm.is_dir() else set()) - before:
                if path.is_dir() and any(path.glob("*.mlflow-huey-store")):
                    shutil.rmtree(path, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--json", type=Path, help="Also write the figures here.")
    parser.add_argument(
        "--manifests", type=Path, help="A folder synthesized from tests/configs/e2e.yaml."
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="VAR=VALUE",
        help="Try a variant: override an env var of the project's containers (repeatable).",
    )
    parser.add_argument("--skip-default", action="store_true", help="Measure the project only.")
    parser.add_argument(
        "--rounds", type=int, default=4, help="Slices per server, taking turns (default 4)."
    )
    args = parser.parse_args()

    settings = subject_settings()
    audience_prefix = f"/projects/{settings.iap_project_number}/global/backendServices/"
    with contextlib.ExitStack() as stack:
        manifests = args.manifests or stack.enter_context(synthesized(settings))
        pg, gcs = stack.enter_context(backing_services(settings))
        password = create_database(pg, settings)
        pg.create_database(name="mlflow_default", user=settings.names.db_user)
        google = stack.enter_context(google_standin())
        google.compute.project = settings.target.project
        names = settings.names
        google.compute.add_backend_service(
            BACKEND_SERVICE_ID, service=f"{names.namespace}/{names.service}"
        )
        variant = dict(item.split("=", 1) for item in args.set)
        common = (settings, manifests, pg, gcs, google, password)
        targets = [
            stack.enter_context(
                project_server(
                    *common,
                    variant,
                    name="project, IAP + perms",
                    caller=iap_caller(google, audience_prefix),
                )
            ),
            stack.enter_context(
                project_server(
                    *common, {**variant, **AUTH_OFF}, name="project, auth off", caller=Caller()
                )
            ),
        ]
        if not args.skip_default:
            targets.append(stack.enter_context(default_server(settings, pg, password)))
        results = measure(targets, args.seconds, args.clients, args.rounds)
    iap, anonymous = results[0], results[1]
    print(
        f"log-metric load: {args.clients} keep-alive clients x {args.seconds:.0f} s, "
        f"{os.cpu_count()} CPUs"
    )
    header = (
        f"{'server':<24}{'req/s':>8}{'CPU ms':>8}{'p50 ms':>8}{'p95 ms':>8}{'errors':>7}"
        f"{'procs':>6}"
        f"{'RSS idle':>10}{'RSS peak':>10}{'PSS idle':>10}{'PSS peak':>10}  (MiB)"
    )
    print(header)
    for r in results:
        print(
            f"{r.name:<24}{r.requests_per_s:>8.1f}{r.cpu_ms_per_request:>8.1f}{r.p50_ms:>8.1f}"
            f"{r.p95_ms:>8.1f}{r.errors:>7}"
            f"{r.processes:>6}{r.idle_rss_mib:>10.0f}{r.peak_rss_mib:>10.0f}"
            f"{r.idle_pss_mib:>10.0f}{r.peak_pss_mib:>10.0f}"
        )
    ratios = {"iap_vs_auth_off": iap.requests_per_s / anonymous.requests_per_s}
    print(
        f"throughput ratio IAP + permissions / auth off: {ratios['iap_vs_auth_off']:.2f}x "
        "(target >= 0.9x)"
    )
    ratios["cpu_iap_vs_auth_off"] = iap.cpu_ms_per_request / anonymous.cpu_ms_per_request
    print(
        f"server CPU per request, IAP + permissions / auth off: "
        f"{ratios['cpu_iap_vs_auth_off']:.2f}x"
    )
    if len(results) == 3:
        ratios["auth_off_vs_default"] = anonymous.requests_per_s / results[2].requests_per_s
        ratios["iap_vs_default"] = iap.requests_per_s / results[2].requests_per_s
        print(
            f"throughput ratio project/default: {ratios['iap_vs_default']:.2f}x with IAP, "
            f"{ratios['auth_off_vs_default']:.2f}x auth off (target >= 2x)"
        )
    print(
        f"peak memory, project with IAP: {iap.peak_rss_mib:.0f} MiB RSS, "
        f"{iap.peak_pss_mib:.0f} MiB PSS (target <= 600 MiB per pod)"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps({"ratios": ratios, "results": [asdict(r) for r in results]}, indent=2)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
