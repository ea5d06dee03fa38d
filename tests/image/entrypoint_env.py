"""What the entry point tests give `mlflow-entrypoint`: a pod's environment with its mounted
files, and the console script itself, run as the image runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from mlflow_entrypoint.contract import PROGRAM

# The console script that `make install` puts next to this interpreter, as the image's pip
# install puts it on PATH (/opt/mlflow/bin).
ENTRYPOINT = Path(sys.executable).parent / PROGRAM
# Built at run time so that no password-like literal sits in the repository.
TRICKY = "".join(["p@ss", ":w/rd", "%25", "#frag", "?q=1", " sp ace", "-ünï€ode"])
PLAIN = "".join(["plain", "-value"])
PASSPHRASE = "".join(["k" * 20, "-passphrase-", "x" * 20])


def kek_file(folder: Path, document: object) -> str:
    path = folder / "kek-passphrase"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return str(path)


def pod_env(tmp_path: Path, password: str = PLAIN, **over: str) -> dict[str, str]:
    pw = tmp_path / "password"
    pw.write_text(password + "\n", encoding="utf-8")
    env = {
        "DB_USER": "mlflow",
        "DB_NAME": "mlflow",
        "DB_HOST": "127.0.0.1",
        "DB_PORT": "5432",
        "DB_PASSWORD_FILE": str(pw),
        "KEK_PASSPHRASE_FILE": kek_file(
            tmp_path, {"version": 1, "passphrase": PASSPHRASE, "previous": []}
        ),
    }
    env.update(over)
    return env


def run_entrypoint(
    args: list[str], env: dict[str, str], timeout: float = 60, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ENTRYPOINT), *args],
        env={"PATH": "/usr/bin:/bin", **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
