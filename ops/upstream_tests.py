"""`make upstream-tests`: MLflow's own REST tracking tests, as MLflow runs them and through the
deployment, and the tests only the deployment fails.

    python -m ops.upstream_tests --mlflow-src <checkout> [--env ENV] [--out DIR] [-- PYTEST ARGS]

<checkout> is an MLflow source tree (or any folder holding tests/tracking/test_rest_tracking.py
and the helpers it imports), best the tag of the pinned MLflow:
`git clone --depth 1 --branch v<MLFLOW_VERSION> https://github.com/mlflow/mlflow`. Its tests
run with this project's .venv (the pinned MLflow) in two runs:

1. baseline: the file as MLflow runs it, each test on the server MLflow's harness starts
   (`_init_server`: a plain `mlflow server` on a SQLite or file store in the test's folder);
2. deployment: the same file with that server replaced (ops/upstream/deployment_plugin.py) by
   the deployment of config/<ENV>.yaml as its committed manifests describe it, which
   tests/e2e/standalone.py runs on this machine: the manifests' server command, environment
   and IAP plugin, PostgreSQL 18, the artifact proxy to a GCS emulator, reached through the
   ingress stand-in (nginx + IAP) as the environment's first MLflow admin.

Both runs load ops/upstream/compat.py (ops/upstream/expected.py: COMPAT_SHIMS). Then the two
junit reports are compared (ops/upstream/compare.py): a test that passes in the baseline and not
through the deployment is a failure caused by the deployment, unless EXPECTED_DIFFERENCES gives
the deployment's reason; the table goes to stdout and <out>/report.txt.

Exit status: 0 no failure caused by the deployment; 1 some; 2 bad input (no test file, a bad
config); 3 the harness failed (the deployment did not start, a run collected nothing, or no
test reached the deployment). Everything is written to <out> (default
test-artifacts/upstream-tests/, emptied first): baseline.xml, deployment.xml, report.txt, the
standalone's log and, per failing test, the server's log (server-logs/).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from ops.cli import run
from ops.upstream.compare import Comparison, read_junit, render
from settings import load_settings
from settings.paths import REPO_ROOT
from settings.versions import MLFLOW_VERSION

TEST_FILE = Path("tests/tracking/test_rest_tracking.py")
DEFAULT_OUT = REPO_ROOT / "test-artifacts" / "upstream-tests"
STARTUP_SECONDS = 900.0
STOP_SECONDS = 120.0
# A test that hangs (a server that never answers) must not hold the whole run.
TEST_TIMEOUT_SECONDS = 600
# pytest's exit codes that still mean "the tests ran": all passed, some failed.
RAN = (0, 1)


class HarnessError(Exception):
    """The comparison cannot be made (exit status 3)."""


class InputError(Exception):
    """Bad input from the caller (exit status 2)."""


def find_test_file(mlflow_src: Path) -> Path:
    path = mlflow_src / TEST_FILE
    if not path.is_file():
        raise InputError(
            f"MLFLOW_SRC={mlflow_src}: no {TEST_FILE} there; clone the pinned MLflow with "
            f"git clone --depth 1 --branch v{MLFLOW_VERSION} https://github.com/mlflow/mlflow"
        )
    return path.resolve()


def pytest_command(
    test: Path, mlflow_src: Path, report: Path, plugins: Sequence[str], extra: Sequence[str]
) -> list[str]:
    argv = [sys.executable, "-m", "pytest", str(test), "--rootdir", str(mlflow_src)]
    argv += ["-p", "no:cacheprovider", "-q", "-rN", f"--junitxml={report}"]
    argv += [f"--timeout={TEST_TIMEOUT_SECONDS}"]
    for plugin in plugins:
        argv += ["-p", plugin]
    return [*argv, *extra]


def pytest_env(mlflow_src: Path, extra: dict[str, str]) -> dict[str, str]:
    """MLflow's checkout first on the path (its `tests` package is the one imported; this
    repository's has the same name), then this repository (the ops.upstream plugins)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    env["PYTHONPATH"] = os.pathsep.join([str(mlflow_src), str(REPO_ROOT)])
    return {**env, **extra}


def run_pytest(name: str, argv: list[str], env: dict[str, str], out: Path, report: Path) -> None:
    """One run, in a folder of its own (tests write to their working directory)."""
    work = out / f"{name}-work"
    work.mkdir()
    log = out / f"{name}.log"
    print(f"== {name}: {' '.join(argv[3:])}", flush=True)
    started = time.monotonic()
    with log.open("w") as sink:
        code = subprocess.run(
            argv, cwd=work, env=env, stdout=sink, stderr=subprocess.STDOUT
        ).returncode
    print(f"== {name}: pytest exit {code} after {time.monotonic() - started:.0f} s ({log})")
    if code not in RAN or not report.is_file():
        tail = log.read_text(errors="replace")[-3000:]
        raise HarnessError(f"the {name} run did not run the tests (pytest exit {code}):\n{tail}")


@contextlib.contextmanager
def deployment(env_name: str, out: Path) -> Iterator[Path]:
    """tests/e2e/standalone.py in a process group of its own; its stdin stays open while the
    deployment is needed (it stops when stdin closes, also when this process dies)."""
    info = out / "deployment.json"
    log = out / "deployment.log"
    argv = [sys.executable, "-m", "tests.e2e.standalone", "--env", env_name, "--info", str(info)]
    print(f"== deployment: {' '.join(argv[1:])}", flush=True)
    with log.open("w") as sink:
        proc = subprocess.Popen(
            argv, cwd=REPO_ROOT, stdin=subprocess.PIPE, stdout=sink, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not info.is_file():
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-4000:]
                raise HarnessError(f"the deployment did not start ({log}):\n{tail}")
            time.sleep(1)
        print(f"== deployment: ready ({info})", flush=True)
        yield info
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def compare(baseline: Path, deployment_report: Path, out: Path) -> Comparison:
    comparison = Comparison(read_junit(baseline), read_junit(deployment_report))
    text = render(comparison)
    (out / "report.txt").write_text(text)
    print(text, end="")
    if not comparison.deployment:
        raise HarnessError("the deployment run reported no test")
    if comparison.through_deployment == 0:
        raise HarnessError(
            "no test reached the deployment: the plugin replaced nothing the tests use"
        )
    return comparison


def upstream_tests(
    mlflow_src: Path, env_name: str, out: Path, extra: Sequence[str], only: str | None
) -> int:
    test = find_test_file(mlflow_src)
    load_settings(env_name)  # a bad config stops here, before anything starts
    if out.exists():
        shutil.rmtree(out)
    (out / "server-logs").mkdir(parents=True)
    src = mlflow_src.resolve()
    compat = "ops.upstream.compat"
    baseline = out / "baseline.xml"
    if only != "deployment":
        argv = pytest_command(test, src, baseline, [compat], extra)
        run_pytest("baseline", argv, pytest_env(src, {}), out, baseline)
    report = out / "deployment.xml"
    if only != "baseline":
        with deployment(env_name, out) as info:
            plugins = [compat, "ops.upstream.deployment_plugin"]
            env = {"UPSTREAM_DEPLOYMENT": str(info), "UPSTREAM_LOG_DIR": str(out / "server-logs")}
            argv = pytest_command(test, src, report, plugins, extra)
            run_pytest("deployment", argv, pytest_env(src, env), out, report)
    if only is not None:
        return 0
    return compare(baseline, report, out).exit_code


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ops.upstream_tests", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--mlflow-src", default="", help="an MLflow checkout (MLFLOW_SRC)")
    parser.add_argument("--env", default=None, help="config/<env>.yaml (default: DEPLOY_ENV)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="reports and logs")
    parser.add_argument("--only", choices=("baseline", "deployment"), help="one run, no verdict")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BASELINE", "DEPLOYMENT"),
                        help="compare two junit reports of earlier runs; run nothing")  # fmt: skip
    parser.add_argument("pytest_args", nargs="*", help="after --: more pytest arguments (-k ...)")
    args = parser.parse_args(argv)
    env_name = args.env or os.environ.get("DEPLOY_ENV") or None
    try:
        if args.compare:
            out = args.out
            out.mkdir(parents=True, exist_ok=True)
            return compare(args.compare[0], args.compare[1], out).exit_code
        if not args.mlflow_src.strip():
            raise InputError(
                "MLFLOW_SRC is not set: make upstream-tests MLFLOW_SRC=<an MLflow checkout> "
                f"(git clone --depth 1 --branch v{MLFLOW_VERSION} https://github.com/mlflow/mlflow)"
            )
        return upstream_tests(
            Path(args.mlflow_src), env_name or "dev", args.out, args.pytest_args, args.only
        )
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except HarnessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    run(lambda: sys.exit(main()))
