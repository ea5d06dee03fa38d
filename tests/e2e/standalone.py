"""The e2e deployment as a process of its own, for `make upstream-tests` (ops/upstream_tests.py):

    python -m tests.e2e.standalone --env dev --info <file>

It starts what the e2e session starts (tests/e2e/cluster.py: PostgreSQL, the GCS emulator and
Google's stand-ins, and the pod of the environment's committed manifests: its init container
migrates, its server runs with the manifests' command, environment and plugins) and the
ingress with IAP in front of it (tests/e2e/ingress.py). It then calls the server once through
the ingress as the environment's first MLflow admin (auth.admins), with a Google-signed ID
token for IAP's OAuth client (what `gcloud auth print-identity-token` gives a user), keeps
the rows of both databases (tracking and users) as that first request left them, and writes
<file> (JSON) when everything is ready:

  edge_host, edge_port  the ingress host (clients use https://<edge_host>) and where it listens
  ca_file               the throwaway CA that signed the ingress certificate
  token, admin          the ID token (valid for TOKEN_HOURS) and whose it is
  control_url           POST /reset: both databases back to the kept rows, a fresh server's
                        state; GET /log: the server's log since the last reset
  server_log            the server container's log file

It runs until SIGTERM or SIGINT, or until its stdin closes (the runner died), then stops
everything it started.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from settings import Settings, load_settings
from settings.contract import AUTH_DB_NAME_ENV
from settings.load import manifests_dir
from tests.e2e.cluster import CLIENT_AUDIENCE, SERVER, Cluster, running_cluster
from tests.e2e.ingress import IngressStandIn
from tests.support.db_snapshot import DatabaseSnapshot
from tests.support.google_standin import GoogleStandIn, google_standin
from tests.support.upgrade_run import service_routing

TOKEN_HOURS = 6
HTTPS_PORT = 443


class Deployment:
    """The running deployment, its kept rows and the log offset of the last reset."""

    def __init__(self, cluster: Cluster, ingress: IngressStandIn, google: GoogleStandIn) -> None:
        self.cluster, self.ingress = cluster, ingress
        self.admin = cluster.admin
        self.token = google.accounts.id_token(
            email=self.admin, audience=CLIENT_AUDIENCE, lifetime=TOKEN_HOURS * 3600
        )
        self.snapshots: list[DatabaseSnapshot] = []
        self.log_offset = 0
        self.lock = threading.Lock()

    def first_request(self) -> None:
        """The admin's first call through the ingress: the server creates its default
        experiment and the admin's MLflow user, which every test then finds."""
        request = urllib.request.Request(
            f"https://{self.ingress.host}/api/2.0/mlflow/experiments/search?max_results=10",
            headers={"Authorization": f"Bearer {self.token}"},
        )
        context = self.ingress.ssl_context()
        with (
            service_routing((self.ingress.host, HTTPS_PORT), [self.ingress.port]),
            urllib.request.urlopen(request, context=context, timeout=60) as reply,  # noqa: S310
        ):
            body = json.loads(reply.read())
        if not any(e.get("name") == "Default" for e in body.get("experiments", [])):
            raise RuntimeError(f"no default experiment after the first request: {body}")

    def keep_rows(self) -> None:
        databases = [self.cluster.database]
        auth = self.cluster.pod.resolve(SERVER).env.get(AUTH_DB_NAME_ENV)
        if auth:
            databases.append(auth)
        self.snapshots = [DatabaseSnapshot.take(self.cluster.pg, db) for db in databases]
        self.log_offset = len(self.server_log())

    def reset(self) -> None:
        with self.lock:
            for snapshot in self.snapshots:
                snapshot.restore()
            self.log_offset = len(self.server_log())

    def server_log(self) -> str:
        assert self.cluster.server is not None
        return self.cluster.server.logs()

    def log_since_reset(self) -> str:
        return self.server_log()[self.log_offset :]

    def info(self, control_url: str) -> dict[str, Any]:
        assert self.cluster.server is not None
        return {
            "edge_host": self.ingress.host,
            "edge_port": self.ingress.port,
            "ca_file": str(self.ingress.ca_file),
            "token": self.token,
            "admin": self.admin,
            "control_url": control_url,
            "server_log": str(self.cluster.server.log_path),
            "databases": [s.database for s in self.snapshots],
        }


@contextlib.contextmanager
def control_server(deployment: Deployment) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: str) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            if self.path != "/reset":
                self._send(404, "not found")
                return
            try:
                deployment.reset()
            except Exception as exc:  # the runner shows it with the test that asked
                self._send(500, f"reset failed: {type(exc).__name__}: {exc}")
                return
            self._send(200, "reset")

        def do_GET(self) -> None:
            if self.path == "/log":
                self._send(200, deployment.log_since_reset())
            else:
                self._send(404, "not found")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def write_atomically(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2))
    tmp.chmod(0o600)
    os.replace(tmp, path)


def wait_for_stop() -> None:
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def watch_stdin() -> None:
        with contextlib.suppress(Exception):
            sys.stdin.read()
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    stop.wait()


def serve(settings: Settings, manifests: Path, info: Path) -> None:
    with google_standin() as google, running_cluster(settings, manifests, google) as cluster:
        ingress = IngressStandIn(
            google,
            host=settings.ingress.host,
            server_port=cluster.container_port,
            audience=cluster.audience,
            client_audience=CLIENT_AUDIENCE,
            members=settings.auth.admins,
        )
        try:
            deployment = Deployment(cluster, ingress, google)
            deployment.first_request()
            deployment.keep_rows()
            with control_server(deployment) as control_url:
                write_atomically(info, deployment.info(control_url))
                print(f"deployment ready: https://{ingress.host} ({info})", flush=True)
                wait_for_stop()
        finally:
            ingress.cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--env", help="the environment (config/<env>.yaml); default DEPLOY_ENV")
    parser.add_argument("--info", type=Path, required=True, help="where to write the JSON")
    args = parser.parse_args(argv)
    settings = load_settings(args.env)
    if not settings.auth.enabled or not settings.auth.admins:
        print(
            f"config/{settings.environment}.yaml: auth.enabled with at least one auth.admins "
            "entry is needed (the tests call the server as an MLflow admin through IAP)",
            file=sys.stderr,
        )
        return 2
    serve(settings, manifests_dir(settings), args.info)
    return 0


if __name__ == "__main__":
    sys.exit(main())
