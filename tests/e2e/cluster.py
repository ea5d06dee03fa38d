"""The e2e deployment on this machine: PostgreSQL, the GCS emulator and the pod of a
synthesized manifests folder (tests/support/pod.py), with Google's stand-ins.

`running_cluster` is what the e2e tests' session fixture (tests/e2e/conftest.py) and the
standalone deployment of `make upstream-tests` (tests/e2e/standalone.py) start. Everything
started is stopped when it exits (also after a failure) and every temporary folder removed.
"""

from __future__ import annotations

import contextlib
import secrets
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from settings import Settings
from settings.contract import IAP_IN_CLUSTER_CIDRS_ENV
from tests.e2e.ingress import LB_ADDRESS
from tests.e2e.peers import in_cluster_cidrs
from tests.e2e.web import Reply, to_pod
from tests.support.container import RunningContainer
from tests.support.gcs import GcsEmulator
from tests.support.google_standin import GoogleStandIn
from tests.support.manifests import Manifests, container_port_of, service_for
from tests.support.net import free_port, port_is_free, wait_http_ok
from tests.support.pod import Pod, kek_document
from tests.support.postgres import PostgresServer

MIGRATE = "db-migrate"
SERVER = "mlflow"


def make_password() -> str:
    """A fresh password with every character a URI or a shell could trip over."""
    return secrets.token_urlsafe(12) + "@:/%#? ü€\"'$"


def make_passphrase() -> str:
    """A fresh KEK passphrase of the shape Terraform generates (64 letters and digits)."""
    return secrets.token_hex(32)


@dataclass
class Cluster:
    """What the tests talk to, and what they may break (server, PostgreSQL)."""

    settings: Settings
    manifests: Manifests
    pod: Pod
    pg: PostgresServer
    gcs: GcsEmulator
    password: str
    passphrase: str  # the current KEK passphrase (version kek_version)
    service_host: str  # <service>.<namespace>.svc.cluster.local
    service_port: int
    container_port: int
    notes: list[str] = field(default_factory=list)
    server: RunningContainer | None = None
    migrate_log: str = ""
    kek_version: int = 1
    google: GoogleStandIn | None = None
    # What the load balancer got before the Ingress's backend service existed (a first deploy).
    before_pin: Reply | None = None

    def secret_files(self) -> dict[str, str]:
        """What the pod's secrets volume holds: the password and the KEK passphrase."""
        return {
            "DB_PASSWORD_FILE": self.password + "\n",
            "KEK_PASSPHRASE_FILE": kek_document(self.passphrase, self.kek_version),
        }

    @property
    def tracking_uri(self) -> str:
        return f"http://{self.service_host}:{self.service_port}"

    @property
    def host_header(self) -> str:
        return f"{self.service_host}:{self.service_port}"

    @property
    def local_url(self) -> str:
        return f"http://127.0.0.1:{self.container_port}"

    @property
    def dns(self) -> dict[tuple[str, int], tuple[str, int]]:
        return {(self.service_host, self.service_port): ("127.0.0.1", self.container_port)}

    @property
    def dns_spec(self) -> str:
        return f"{self.service_host}:{self.service_port}=127.0.0.1:{self.container_port}"

    @property
    def audience(self) -> str:
        """What the stand-in IAP's assertions name: the configured backend service, or the one
        the stand-in Compute API lists for this Service (which the server looks up)."""
        auth = self.settings.auth
        return self.audience_of(auth.backend_service_id or BACKEND_SERVICE_ID)

    def audience_of(self, service_id: str) -> str:
        return f"/projects/{self.settings.iap_project_number}/global/backendServices/{service_id}"

    @property
    def ingress_service(self) -> str:
        """NAMESPACE/NAME, as the Ingress controller's backend service description names it."""
        names = self.settings.names
        return f"{names.namespace}/{names.service}"

    def from_lb_as_admin(self, audience: str | None = None) -> Reply:
        """An assertion IAP signed, straight from the load balancer's address."""
        assert self.google is not None
        assertion = self.google.iap.assertion(
            email=self.admin, user_id="1", audience=audience or self.audience
        )
        return to_pod(
            self.container_port,
            "GET",
            "/api/2.0/mlflow/users/current",
            source=LB_ADDRESS,
            host=self.settings.ingress.host,
            headers={"x-goog-iap-jwt-assertion": assertion},
        )

    def wait_pinned(self, timeout: float = 60) -> None:
        """Until the server has looked its backend service up (503 before). A refused
        assertion asks the server to look again (at most every 15 s)."""
        deadline = time.monotonic() + timeout
        while (reply := self.from_lb_as_admin()).status == 503:
            assert time.monotonic() < deadline, (reply, self.server and self.server.logs()[-3000:])
            time.sleep(0.5)
        assert reply.status == 200, reply

    @property
    def admin(self) -> str:
        """An MLflow administrator of the fixture (auth.admins)."""
        return self.settings.auth.admins[0]

    @property
    def database(self) -> str:
        return self.settings.names.database

    def start_server(self) -> RunningContainer:
        self.server = self.pod.start(SERVER)
        self.wait_ready()
        return self.server

    def wait_ready(self, timeout: float = 120) -> None:
        """Poll the container's readinessProbe (httpGet) as the kubelet does, by pod IP."""
        assert self.server is not None
        probe = self.server.container.probe("readinessProbe") or {}
        path = probe.get("httpGet", {}).get("path", "/health")
        server = self.server

        def exited() -> None:
            # Fail at once when the container died (a port taken by another run, a bad arg),
            # rather than polling a port some other process may answer on.
            if server.proc.poll() is not None:
                raise AssertionError(
                    f"server exited ({server.proc.returncode}):\n{server.logs()[-4000:]}"
                )

        try:
            wait_http_ok(f"{self.local_url}{path}", timeout=timeout, each=exited)
        except TimeoutError:
            raise AssertionError(
                f"server not ready: {self.server.proc.poll()=}\n{self.server.logs()[-4000:]}"
            ) from None
        # The answer came from this run's server, not from another one on the same port.
        assert server.listens_on(self.container_port), server.logs()[-4000:]

    def restart_server_after_kill(self) -> None:
        assert self.server is not None
        self.server.kill()
        self.server = self.server.restart()
        self.wait_ready()
        self.wait_pinned()


# The audience a script's ID token names (IAP's OAuth client id); the stand-in checks it.
CLIENT_AUDIENCE = "1234567890-e2e.apps.googleusercontent.com"
# What the stand-in's assertions name: this project's number and a backend service id, the one
# the stand-in Compute API lists for the server's Service.
BACKEND_SERVICE_ID = "4242424242424242"
# Another app's backend service in the same project (IAP signs its assertions too).
ANOTHER_APP_ID = "5151515151515151"
# The people IAP admits (besides the fixture's admins); bob is no MLflow admin.
MEMBERS = ("alice@example.com", "bob@example.com")


@contextlib.contextmanager
def running_cluster(
    settings: Settings, manifests_dir: Path, google: GoogleStandIn
) -> Iterator[Cluster]:
    """PostgreSQL, the GCS emulator and the pod of `manifests_dir` (settings' manifests), the
    database migrated by the init container and the server ready (and, with IAP identities,
    pinned to its backend service); everything stopped and removed on exit."""
    names = settings.names
    manifests = Manifests.load(manifests_dir)
    deployments = manifests.of_kind("Deployment")
    assert deployments, f"no Deployment in {manifests_dir}"
    (deployment,) = deployments
    service = service_for(manifests, deployment)
    assert service["metadata"]["name"] == names.service
    assert service["metadata"].get("namespace") == names.namespace
    service_port, container_port = container_port_of(deployment, service)
    password = make_password()
    passphrase = make_passphrase()
    notes: list[str] = []
    started: list[Any] = []
    try:
        probe = Pod(manifests, deployment, {}, {}, {})
        started.append(probe)
        db_env = probe.resolve(MIGRATE).env
        db_host, db_port = db_env["DB_HOST"], int(db_env["DB_PORT"])
        overrides: dict[str, str] = {}
        # A loopback range stands for the pod range, so that tests can call as another pod
        # (tests/e2e/peers.py); the manifests' ranges stay.
        server_env = probe.resolve(SERVER).env
        if IAP_IN_CLUSTER_CIDRS_ENV in server_env:
            overrides[IAP_IN_CLUSTER_CIDRS_ENV] = in_cluster_cidrs(
                server_env[IAP_IN_CLUSTER_CIDRS_ENV]
            )
        if not port_is_free(db_port, db_host):
            new_port = free_port()
            overrides["DB_PORT"] = str(new_port)
            notes.append(
                f"port {db_port} on {db_host} is busy: PostgreSQL listens on {new_port} and "
                f"both containers get DB_PORT={new_port}"
            )
            db_port = new_port
        if not port_is_free(container_port):
            # Only the listening port moves: clients still use the Service's name and port
            # (and send that Host header); the harness's name resolution points them here.
            server_env = probe.resolve(SERVER).env
            if server_env.get("MLFLOW_PORT") != str(container_port):
                raise RuntimeError(f"port {container_port} is busy and is not set by MLFLOW_PORT")
            new_port = free_port()
            overrides["MLFLOW_PORT"] = str(new_port)
            notes.append(
                f"port {container_port} is busy: the server listens on {new_port} "
                f"(MLFLOW_PORT={new_port}); clients still call {names.service}:{service_port}"
            )
            container_port = new_port

        pg = PostgresServer(host=db_host, port=db_port)
        started.append(pg)
        pg.init()
        pg.start()
        pg.create_database(name=names.database, user=names.db_user, password=password)

        gcs = GcsEmulator(project=names.project_id)
        started.append(gcs)
        gcs.start()
        gcs.create_bucket(names.bucket)

        pod = Pod(
            manifests,
            deployment,
            secrets={},
            files={
                "DB_PASSWORD_FILE": password + "\n",
                "KEK_PASSPHRASE_FILE": kek_document(passphrase),
            },
            # Google's endpoints on loopback: the GCS emulator, IAP's key set, the metadata
            # server (the pod's Workload Identity token) and the Compute API.
            extra_env={
                "STORAGE_EMULATOR_HOST": gcs.url,
                "IAP_KEYS_URL": google.keys_url,
                "GCE_METADATA_HOST": google.metadata_host,
                "IAP_COMPUTE_URL": google.compute_url,
            },
        )
        pod.overrides.update(overrides)
        started.append(pod)
        c = Cluster(
            settings=settings,
            manifests=manifests,
            pod=pod,
            pg=pg,
            gcs=gcs,
            password=password,
            passphrase=passphrase,
            service_host=f"{names.service}.{names.namespace}.svc.cluster.local",
            service_port=service_port,
            container_port=container_port,
            notes=notes,
            google=google,
        )
        started.append(c)
        for note in notes:
            warnings.warn(note, stacklevel=1)
        migrate = pod.run_to_completion(MIGRATE)
        c.migrate_log = migrate.stdout + migrate.stderr
        assert migrate.returncode == 0, c.migrate_log[-4000:]
        # A first deploy: the server starts before the Ingress has built its backend service.
        google.compute.project = settings.target.project
        c.start_server()
        if settings.auth.enabled and settings.auth.backend_service_id is None:
            c.before_pin = c.from_lb_as_admin()
            # Another team's app in the same project, behind IAP too, and then this one's.
            google.compute.add_backend_service(ANOTHER_APP_ID, service="web/frontend")
            google.compute.add_backend_service(
                BACKEND_SERVICE_ID, service=c.ingress_service, go_form=True
            )
            c.wait_pinned()
        yield c
    finally:
        for thing in reversed(started):
            if isinstance(thing, Cluster):
                if thing.server is not None:
                    thing.server.stop()
            else:
                thing.cleanup()
