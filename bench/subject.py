"""What the server benchmarks run, and how they start it: the e2e fixture's manifests, never the
team's config/.

tests/configs/e2e.yaml is a GKE environment on the project's defaults with IAP identities on;
its manifests are synthesized by the project's cdk8s app into a temporary folder, so that the
figures are the same in every fork, whatever its config/dev.yaml says. The pod runs as the e2e
tests run it (tests/support/pod.py), against a throwaway PostgreSQL 18 and the GCS emulator.
"""

from __future__ import annotations

import contextlib
import secrets
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from settings import REPO_ROOT, Settings, load_settings
from tests.support.container import RunningContainer
from tests.support.gcs import GcsEmulator
from tests.support.manifests import Manifests
from tests.support.net import free_port, wait_http_ok
from tests.support.pod import Pod, kek_document
from tests.support.postgres import PostgresServer

FIXTURE_ENV = "e2e"
# The ConfigMap entries that switch the auth mode off (mlflow-entrypoint reads them): the
# same pod as before IAP identities (k8s/auth.py Anonymous).
AUTH_OFF = {"SERVER_APP_NAME": "", "AUTH_DB_NAME": ""}


def subject_settings() -> Settings:
    return load_settings(FIXTURE_ENV, folder=REPO_ROOT / "tests" / "configs")


@contextlib.contextmanager
def synthesized(settings: Settings) -> Iterator[Path]:
    """The environment's manifests, in a folder removed afterwards."""
    from k8s.app import synth

    with tempfile.TemporaryDirectory(prefix="bench-manifests-") as folder:
        synth(settings, outdir=Path(folder))
        yield Path(folder)


def service_host(settings: Settings) -> str:
    """The Host header of a client inside the cluster: the Service's name and port."""
    names = settings.names
    return f"{names.service}.{names.namespace}.svc.cluster.local:{settings.server.port}"


@contextlib.contextmanager
def backing_services(
    settings: Settings, *, postgresql_conf: str = ""
) -> Iterator[tuple[PostgresServer, GcsEmulator]]:
    """A throwaway PostgreSQL (postgresql_conf: lines added to its postgresql.conf before it
    starts) and the GCS emulator with the environment's bucket, both removed afterwards."""
    pg = PostgresServer(port=free_port())
    gcs = GcsEmulator(project=settings.names.project_id)
    try:
        pg.init()
        if postgresql_conf:
            with (pg.data / "postgresql.conf").open("a") as conf:
                conf.write(postgresql_conf)
        pg.start()
        gcs.start()
        gcs.create_bucket(settings.names.bucket)
        yield pg, gcs
    finally:
        gcs.cleanup()
        pg.cleanup()


def create_database(pg: PostgresServer, settings: Settings) -> str:
    """The environment's database, owned by its user with a fresh password (returned)."""
    names = settings.names
    password = secrets.token_urlsafe(16)
    pg.create_database(name=names.database, user=names.db_user, password=password)
    return password


@contextlib.contextmanager
def migrated(
    manifests: Manifests,
    pg: PostgresServer,
    gcs: GcsEmulator,
    password: str,
    *,
    extra_env: Mapping[str, str] = {},
    overrides: Mapping[str, str] = AUTH_OFF,
    wrapper: tuple[str, ...] = (),
) -> Iterator[tuple[Pod, subprocess.CompletedProcess[str]]]:
    """The Deployment's pod after its `db-migrate` ran to completion (wrapper: around that
    process, e.g. /usr/bin/time), with what it printed; the pod's folders go afterwards.

    The pod runs against the bench's PostgreSQL and GCS emulator: the password and a fresh KEK
    passphrase as the mounted files, free ports (a bench may run beside the e2e tests; clients
    still send the Service's Host header)."""
    (deployment,) = manifests.of_kind("Deployment")
    pod = Pod(
        manifests,
        deployment,
        secrets={},
        files={
            "DB_PASSWORD_FILE": password + "\n",
            "KEK_PASSPHRASE_FILE": kek_document(secrets.token_hex(32)),
        },
        extra_env={"STORAGE_EMULATOR_HOST": gcs.url, **extra_env},
        overrides={"DB_PORT": str(pg.port), "MLFLOW_PORT": str(free_port()), **overrides},
    )
    try:
        migrate = pod.run_to_completion("db-migrate", wrapper=wrapper)
        if migrate.returncode:
            raise RuntimeError(migrate.stderr[-3000:])
        yield pod, migrate
    finally:
        pod.cleanup()


@dataclass
class Server:
    url: str
    host: str  # the Host header clients send (service_host)
    container: RunningContainer


@contextlib.contextmanager
def serving(settings: Settings, pod: Pod) -> Iterator[Server]:
    """The pod's `mlflow` container, started and answering /health; stopped afterwards."""
    container = pod.start("mlflow")
    try:
        port = int(container.container.env["MLFLOW_PORT"])
        server = Server(f"http://127.0.0.1:{port}", service_host(settings), container)
        wait_http_ok(f"{server.url}/health", timeout=120)
        yield server
    finally:
        container.stop()
