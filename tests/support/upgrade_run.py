"""`make upgrade` from MLflow 3.17.2 to the image's MLflow, run on this machine under load.

The pods are dist/'s (tests/support/pod.py): the Deployment's `db-migrate` and `mlflow`
containers, `replicas` of them, and dist/upgrade-job/'s Job. The "image" is a venv: 3.17.2's is
.venv-mlflow-3.17.2 (requirements-mlflow-3.17.2.txt, `make install-test`), the new one .venv.
PostgreSQL 18 stands in for Cloud SQL (tests/support/postgres.py). What kubectl and gcloud do
in ops/upgrade.py is simulated so:

* heads: the database's alembic_version / alembic_version_auth against the image's heads
  (ops.upgrade.image_heads), read here with SQL instead of `kubectl exec`;
* backup (`gcloud sql backups create`): `pg_dump --format=custom` of the tracking database,
  taken while the old pods still serve, as make upgrade takes it;
* the gc CronJob suspended: nothing to do, no gc Job runs here;
* scale to zero: every 3.17.2 server process stopped as the kubelet stops a container (SIGTERM,
  SIGKILL after terminationGracePeriodSeconds), and waited for;
* the migration Job: the Job's `db-migrate` container (`mlflow-entrypoint db upgrade` of the
  new image) run once; a failed or killed attempt is run again, as the Job's backoffLimit does;
* rollout: the new image's pods started (each runs its init container `db-migrate`, a no-op at
  the head, then `mlflow`) and waited for until every readinessProbe answers.

Clients reach the pods by the Service's in-cluster name; each new connection goes to the next
pod (kube-proxy balances connections, not requests), so a stopped pod means refused connections,
which MLflow's client retries with its default policy.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from settings import REPO_ROOT, Settings
from tests.support import pg18
from tests.support.container import RunningContainer
from tests.support.manifests import Manifests, container_port_of, service_for
from tests.support.net import free_port, wait_for, wait_http_ok
from tests.support.pod import Pod, kek_document
from tests.support.postgres import PostgresServer

OLD_MLFLOW = "3.17.2"
OLD_IMAGE_BIN = REPO_ROOT / f".venv-mlflow-{OLD_MLFLOW}" / "bin"
MIGRATE, SERVER = "db-migrate", "mlflow"
# The first table 3.18's second migration (8b6ad64cb8f5) alters, after the first one created the
# skill registry's tables: a lock held on it stops the migration half-way, deterministically.
ALTERED_TABLE = "issues"


def old_heads() -> str:
    """3.17.2's tracking-schema head, from its own migration scripts."""
    from alembic.script import ScriptDirectory

    (site,) = OLD_IMAGE_BIN.parent.glob("lib/python3*/site-packages")
    if not (site / "mlflow").is_dir():
        raise FileNotFoundError(f"no MLflow {OLD_MLFLOW} in {site}: run make install-test")
    return str(ScriptDirectory(str(site / "mlflow" / "store" / "db_migrations")).get_current_head())


@dataclass
class Ack:
    run_id: str
    kind: str  # "metric" or "param"
    key: str
    value: str
    step: int
    at: float  # time.monotonic() when the server's answer arrived


class Writer(threading.Thread):
    """One MLflow client with its default retries: runs of `per_run` writes each, a metric
    per write and a param every fifth, until stopped. Records what the server acknowledged."""

    def __init__(self, tracking_uri: str, experiment_id: str, n: int, per_run: int = 40) -> None:
        super().__init__(name=f"writer-{n}", daemon=True)
        from mlflow import MlflowClient

        self.client = MlflowClient(tracking_uri=tracking_uri)
        self.experiment_id, self.per_run = experiment_id, per_run
        self.halt = threading.Event()
        self.acks: list[Ack] = []
        self.runs: list[str] = []
        self.errors: list[str] = []

    def run(self) -> None:
        run_id, i = "", 0
        while not self.halt.is_set():
            try:
                if not run_id or i == self.per_run:
                    run_id, i = self.client.create_run(self.experiment_id).info.run_id, 0
                    self.runs.append(run_id)
                self.client.log_metric(run_id, "m", float(i), step=i)
                self.acks.append(Ack(run_id, "metric", "m", str(float(i)), i, time.monotonic()))
                if i % 5 == 0:
                    self.client.log_param(run_id, f"p{i}", f"v{i}")
                    self.acks.append(Ack(run_id, "param", f"p{i}", f"v{i}", i, time.monotonic()))
                i += 1
            except Exception as exc:  # an unacknowledged write: recorded, go on
                self.errors.append(f"{type(exc).__name__}: {exc}"[:300])
                i += 1
            time.sleep(0.05)


@contextlib.contextmanager
def service_routing(name: tuple[str, int], ports: list[int]) -> Iterator[None]:
    """Resolve the Service's name to the pods in turn, one pod per new connection."""
    original, turn = socket.getaddrinfo, [0]

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if (str(host), int(port or 0)) == name:
            turn[0] += 1
            host, port = "127.0.0.1", ports[turn[0] % len(ports)]
        return original(host, port, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo
    try:
        yield
    finally:
        socket.getaddrinfo = original


@dataclass
class Timeline:
    """What happened when (time.monotonic()), and the steps' outputs."""

    marks: dict[str, float] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)

    def mark(self, what: str) -> None:
        self.marks[what] = time.monotonic()

    def span(self, start: str, end: str) -> float:
        return self.marks[end] - self.marks[start]


@dataclass
class Fleet:
    """PostgreSQL, the GCS emulator, Google's stand-in and `replicas` pods of the Deployment."""

    settings: Settings
    manifests: Manifests
    pg: PostgresServer
    extra_env: dict[str, str]
    manifests_dir: Path  # the synthesized manifests, upgrade-job/ included
    # None: database.auth iam, no password file in the pods (the proxy's IAM login).
    password: str | None = "upgrade-e2e-pw"  # pragma: allowlist secret
    passphrase: str = "0" * 64
    ports: list[int] = field(default_factory=list)
    servers: list[RunningContainer] = field(default_factory=list)
    pods: list[Pod] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.deployment = self.manifests.one("Deployment")
        self.replicas = int(self.deployment["spec"].get("replicas", 1))
        self.ports = [free_port() for _ in range(self.replicas)]
        service = service_for(self.manifests, self.deployment)
        self.service_port, _ = container_port_of(self.deployment, service)
        names = self.settings.names
        self.service_host = f"{names.service}.{names.namespace}.svc.cluster.local"
        job_manifests = Manifests.load(self.manifests_dir / "upgrade-job")
        self.job = job_manifests.one("Job")

    @property
    def tracking_uri(self) -> str:
        return f"http://{self.service_host}:{self.service_port}"

    def routing(self) -> contextlib.AbstractContextManager[None]:
        return service_routing((self.service_host, self.service_port), self.ports)

    def pod(self, workload: dict[str, Any], image_bin: Path, port: int | None = None) -> Pod:
        pod = Pod(
            self.manifests,
            workload,
            secrets={},
            files={
                **({"DB_PASSWORD_FILE": self.password + "\n"} if self.password else {}),
                "KEK_PASSPHRASE_FILE": kek_document(self.passphrase),
            },
            extra_env=self.extra_env,
            image_bin=image_bin,
        )
        pod.overrides["DB_PORT"] = str(self.pg.port)
        if port is not None:
            pod.overrides["MLFLOW_PORT"] = str(port)
        self.pods.append(pod)
        return pod

    def scale_up(self, image_bin: Path) -> None:
        """The Deployment at `replicas`: each pod's init container, then its server, ready."""
        pods = [self.pod(self.deployment, image_bin, port) for port in self.ports]
        # The pods start at once, as the ReplicaSet creates them; their init containers
        # take turns under the migration's advisory lock.
        with concurrent.futures.ThreadPoolExecutor(len(pods)) as pool:
            for done in pool.map(lambda pod: pod.run_to_completion(MIGRATE), pods):
                assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
        self.servers = [pod.start(SERVER) for pod in pods]
        for server, port in zip(self.servers, self.ports, strict=True):
            probe = server.container.probe("readinessProbe") or {}
            path = probe.get("httpGet", {}).get("path", "/health")

            def alive(server: RunningContainer = server) -> None:
                if server.proc.poll() is not None:
                    raise AssertionError(f"server exited:\n{server.logs()[-4000:]}")

            wait_http_ok(f"http://127.0.0.1:{port}{path}", timeout=120, each=alive)

    def scale_to_zero(self) -> None:
        grace = float(pod_spec(self.deployment).get("terminationGracePeriodSeconds", 30))
        threads = [threading.Thread(target=s.stop, args=(grace,)) for s in self.servers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wait_for(
            lambda: not any(s.pids() for s in self.servers), timeout=30, what="server pods gone"
        )
        self.servers = []

    def start_job(self, image_bin: Path) -> subprocess.Popen[str]:
        """The migration Job's db-migrate container, as a process group of its own."""
        pod = self.pod(self.job, image_bin)
        container = pod.resolve(MIGRATE)
        pod.write_files(container)
        return subprocess.Popen(
            container.argv,
            env=container.env,
            cwd=pod.root,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

    def revision(self) -> str:
        ((rev,),) = self.pg.query(
            self.settings.names.database, "SELECT version_num FROM alembic_version"
        )
        return str(rev)

    def cleanup(self) -> None:
        for server in self.servers:
            server.stop(grace=5)
        for pod in self.pods:
            pod.cleanup()


def pod_spec(workload: dict[str, Any]) -> dict[str, Any]:
    from tests.support.manifests import pod_template

    return dict(pod_template(workload)["spec"])


def backup(fleet: Fleet, folder: Path) -> Path:
    """The on-demand backup's stand-in: pg_dump of the tracking database (custom format)."""
    target = folder / "backup.dump"
    pg = fleet.pg
    argv = [pg18.tool("pg_dump"), "-h", str(pg.sockets), "-p", str(pg.port), "-U", "postgres"]
    argv += ["--format=custom", "-f", str(target), fleet.settings.names.database]
    subprocess.run(argv, check=True, capture_output=True, timeout=300)
    return target


def kill_half_way(fleet: Fleet, image_bin: Path, timeline: Timeline) -> None:
    """A Job attempt SIGKILLed while its transaction has altered the schema (the skill tables
    created, ALTER TABLE issues waiting for a lock this function holds), then released."""
    database = fleet.settings.names.database
    with fleet.pg.connect(database) as blocker:
        blocker.execute("BEGIN")
        blocker.execute(f"LOCK TABLE {ALTERED_TABLE} IN ACCESS SHARE MODE")
        job = fleet.start_job(image_bin)
        found: list[int] = []

        def altering() -> bool:
            assert job.poll() is None, job.communicate()[0][-4000:]
            rows = fleet.pg.query(
                database,
                "SELECT a.pid FROM pg_stat_activity a WHERE a.datname = %s"
                " AND a.wait_event_type = 'Lock' AND a.query ILIKE %s AND EXISTS ("
                " SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.granted"
                " AND l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock')",
                database,
                f"ALTER TABLE {ALTERED_TABLE}%",
            )
            found.extend(int(r[0]) for r in rows)
            return bool(rows)

        wait_for(altering, timeout=120, what="the migration to alter the schema", interval=0.05)
        os.killpg(job.pid, signal.SIGKILL)
        timeline.notes["killed attempt"] = job.communicate(timeout=30)[0][-3000:]
        timeline.mark("job killed")
        blocker.execute("ROLLBACK")
    # The killed client's backend finds its socket closed after its statement; its
    # transaction is rolled back and its session's advisory lock released.
    wait_for(
        lambda: (
            not fleet.pg.query(
                "postgres", "SELECT 1 FROM pg_stat_activity WHERE pid = %s", found[0]
            )
        ),
        timeout=60,
        what="the killed migration's backend to end",
    )


def upgrade(
    fleet: Fleet, image_bin: Path, folder: Path, *, kill_first: bool, timeline: Timeline
) -> None:
    """ops/upgrade.py's safe path, its cluster steps simulated as the module docstring says."""
    timeline.mark("backup start")
    dump = backup(fleet, folder)
    timeline.notes["backup"] = f"{dump.stat().st_size} bytes"
    timeline.mark("stop start")
    fleet.scale_to_zero()
    timeline.mark("stopped")
    timeline.notes["revision stopped"] = fleet.revision()
    if kill_first:
        kill_half_way(fleet, image_bin, timeline)
        timeline.notes["revision after kill"] = fleet.revision()
        ((skills,),) = fleet.pg.query(
            fleet.settings.names.database, "SELECT to_regclass('skills')::text"
        )
        timeline.notes["skills table after kill"] = str(skills)
    timeline.mark("job start")
    job = fleet.start_job(image_bin)
    out = job.communicate(timeout=600)[0]
    timeline.notes["job"] = out[-4000:]
    assert job.returncode == 0, out[-4000:]
    timeline.mark("job done")
    fleet.scale_up(image_bin)
    timeline.mark("ready")


def window(acks: list[Ack], stopped: float) -> tuple[float, float, float]:
    """(last acknowledged write before the old pods were gone, first after, the gap)."""
    before = max(a.at for a in acks if a.at <= stopped)
    after = min(a.at for a in acks if a.at > stopped)
    return before, after, after - before
