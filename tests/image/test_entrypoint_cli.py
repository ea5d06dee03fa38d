"""`mlflow-entrypoint`, the console script, run as the image runs it: its usage, the errors it
gives, and the programs it replaces itself with (the URI in their environment, never in argv).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.image.entrypoint_env import PASSPHRASE, TRICKY, pod_env, run_entrypoint

USAGE = (
    "usage: mlflow-entrypoint db upgrade | mlflow-entrypoint server [mlflow server options] | "
    "mlflow-entrypoint gc [mlflow gc options] | "
    "mlflow-entrypoint rewrite-artifact-uris --map OLD=NEW [--apply]\n"
)


@pytest.mark.integration
def test_cli_config_error_names_variable_and_hides_password(tmp_path: Path) -> None:
    env = pod_env(tmp_path, password=TRICKY, DB_PORT="not-a-port")
    for args in (["db", "upgrade"], ["server", "--port", "5000"]):
        proc = run_entrypoint(args, env)
        assert proc.returncode == 2
        assert "DB_PORT" in proc.stderr
        assert "Traceback" not in proc.stderr
        assert TRICKY not in proc.stderr + proc.stdout


@pytest.mark.integration
def test_cli_missing_env_exits_2(tmp_path: Path) -> None:
    proc = run_entrypoint(["db", "upgrade"], {})
    assert proc.returncode == 2
    assert "DB_USER, DB_NAME, DB_HOST, DB_PORT" in proc.stderr  # no password file: IAM login


@pytest.mark.parametrize("args", [[], ["db"], ["db", "downgrade"], ["ui"], ["db", "upgrade", "x"]])
@pytest.mark.integration
def test_cli_usage(tmp_path: Path, args: list[str]) -> None:
    proc = run_entrypoint(args, pod_env(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr == USAGE


@pytest.mark.integration
def test_server_execs_mlflow_with_uri_in_env_not_argv(tmp_path: Path) -> None:
    """`server --help` replaces the entrypoint with the real `mlflow server` CLI."""
    proc = run_entrypoint(["server", "--help"], pod_env(tmp_path, password=TRICKY))
    assert proc.returncode == 0, proc.stderr
    assert "--backend-store-uri" in proc.stdout
    assert TRICKY not in proc.stdout + proc.stderr
    assert PASSPHRASE not in proc.stdout + proc.stderr


@pytest.mark.integration
def test_rewrite_tool_gets_the_uri_in_env_not_argv(tmp_path: Path) -> None:
    """`rewrite-artifact-uris` replaces the entrypoint with the tool, the package's module run
    with `python -m`; the tool has the URI (it asks for a mapping, not for
    MLFLOW_BACKEND_STORE_URI) and prints no secret."""
    proc = run_entrypoint(["rewrite-artifact-uris"], pod_env(tmp_path, password=TRICKY))
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("rewrite-artifact-uris: give at least one --map"), proc.stderr
    assert TRICKY not in proc.stdout + proc.stderr
    help_text = run_entrypoint(["rewrite-artifact-uris", "--help"], pod_env(tmp_path)).stdout
    assert "usage: mlflow-entrypoint rewrite-artifact-uris" in help_text


@pytest.mark.integration
def test_rewrite_tool_reports_an_unreachable_database_in_one_line(tmp_path: Path) -> None:
    env = pod_env(tmp_path, password=TRICKY, DB_PORT="1")
    args = ["rewrite-artifact-uris", "--map", "gs://old-bucket=mlflow-artifacts:/"]
    proc = run_entrypoint(args, env)
    assert proc.returncode == 1
    assert proc.stderr.startswith("rewrite-artifact-uris: nothing was changed: "), proc.stderr
    assert "Traceback" not in proc.stderr
    assert TRICKY not in proc.stderr


@pytest.mark.integration
def test_rewrite_tool_ignores_modules_in_the_working_directory(tmp_path: Path) -> None:
    """The tool runs as `python -P -m ...`: a module in the working directory (`kubectl exec`
    starts in the container's) cannot stand in for one it imports."""
    workdir = tmp_path / "workdir"
    workdir.mkdir()
    (workdir / "argparse.py").write_text("raise SystemExit('the working directory was imported')\n")
    proc = run_entrypoint(["rewrite-artifact-uris", "--help"], pod_env(tmp_path), cwd=workdir)
    assert proc.returncode == 0, proc.stderr
    assert "usage: mlflow-entrypoint rewrite-artifact-uris" in proc.stdout
