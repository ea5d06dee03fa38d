"""The house rules docs/architecture.md states, held on the code itself.

Imports go one way (settings <- infra, k8s, ops; infra and k8s never meet; ops never reaches
into the synth apps); importing a synth package runs no tool; no hand-written module grows past
400 lines; and every mode the settings can choose has a variant in every app's registry, so a
new mode fails here, by name, until each side answers for it.
"""

from __future__ import annotations

import ast
import subprocess
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest

from settings import REPO_ROOT
from settings.modes import DatabaseAuth, DatabaseConnectivity, Edge, SecretLocation
from settings.targets import CreatedGke, ExistingGke, ExternalCluster

MAX_LINES = 400
MODEL_MAX_LINES = 300


def _tracked_python() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [REPO_ROOT / p for p in out.split() if not p.startswith("imports/")]


def _imports(path: Path) -> set[str]:
    """The top-level package of every module `path` imports (absolute imports only)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def _package_imports(package: str) -> dict[str, set[str]]:
    return {
        str(p.relative_to(REPO_ROOT)): _imports(p)
        for p in sorted((REPO_ROOT / package).rglob("*.py"))
    }


def _offenders(
    package: str, forbidden: tuple[str, ...], allowed_files: tuple[str, ...] = ()
) -> set[tuple[str, str]]:
    return {
        (file, module)
        for file, modules in _package_imports(package).items()
        if file not in allowed_files
        for module in modules
        if module.split(".")[0] in forbidden
    }


def test_settings_is_the_model_only() -> None:
    assert not _offenders("settings", ("infra", "k8s", "ops", "subprocess"))


def test_infra_and_k8s_never_import_each_other() -> None:
    assert not _offenders("infra", ("k8s",))
    assert not _offenders("k8s", ("infra",))


def test_ops_never_reaches_into_the_synth_apps() -> None:
    assert not _offenders("ops", ("infra", "k8s"))


@pytest.mark.parametrize("package", ["settings", "infra", "k8s"])
def test_importing_a_synth_package_runs_no_tool(package: str) -> None:
    """No module of the model or the synth apps imports subprocess: only ops/ shells out."""
    assert not _offenders(package, ("subprocess",))


def test_the_synth_apps_use_ops_only_for_plumbing() -> None:
    plumbing = {"ops.publish", "ops.toolchain", "ops.cli"}
    for package in ("infra", "k8s"):
        used = {
            (file, module)
            for file, modules in _package_imports(package).items()
            for module in modules
            if module.split(".")[0] == "ops" and module not in plumbing
        }
        assert not used, f"{package}/ imports ops/ beyond its plumbing: {sorted(used)}"


def test_no_hand_written_module_over_400_lines() -> None:
    sizes = {
        str(p.relative_to(REPO_ROOT)): len(p.read_text(encoding="utf-8").splitlines())
        for p in _tracked_python()
    }
    over = {path: n for path, n in sizes.items() if n > MAX_LINES}
    assert not over, f"split these by concern (at most {MAX_LINES} lines): {over}"
    assert sizes["settings/model.py"] < MODEL_MAX_LINES


def test_every_mode_has_a_variant_in_every_registry() -> None:
    from infra.connectivity import CONNECTIVITY as INFRA_CONNECTIVITY
    from infra.database_auth import DATABASE_AUTH as INFRA_AUTH
    from infra.edges import EDGES as INFRA_EDGES
    from infra.secrets import SECRET_STORES
    from k8s.connectivity import CONNECTIVITY as K8S_CONNECTIVITY
    from k8s.database_auth import DATABASE_AUTH as K8S_AUTH
    from k8s.edges import EDGES as K8S_EDGES
    from k8s.secrets import SECRET_LOCATIONS
    from ops.cluster_secrets import SECRET_ADDRESS
    from ops.leftovers import LEFTOVERS

    registries: dict[str, tuple[Mapping[Any, object], type[StrEnum]]] = {
        "infra/edges": (INFRA_EDGES, Edge),
        "k8s/edges": (K8S_EDGES, Edge),
        "ops/leftovers": (LEFTOVERS, Edge),
        "infra/connectivity": (INFRA_CONNECTIVITY, DatabaseConnectivity),
        "k8s/connectivity": (K8S_CONNECTIVITY, DatabaseConnectivity),
        "infra/database_auth": (INFRA_AUTH, DatabaseAuth),
        "k8s/database_auth": (K8S_AUTH, DatabaseAuth),
        "infra/secrets": (SECRET_STORES, SecretLocation),
        "k8s/secrets": (SECRET_LOCATIONS, SecretLocation),
        "ops/cluster_secrets": (SECRET_ADDRESS, SecretLocation),
    }
    for where, (registry, axis) in registries.items():
        missing = sorted(str(m) for m in axis if m not in registry)
        assert not missing, f"{where} has no variant for {missing}"


def test_every_platform_has_an_object_on_both_sides() -> None:
    from infra.platforms import PLATFORMS as INFRA_PLATFORMS
    from k8s.platforms import PLATFORMS as K8S_PLATFORMS

    targets = {CreatedGke, ExistingGke, ExternalCluster}
    assert set(INFRA_PLATFORMS) == targets
    assert set(K8S_PLATFORMS) == targets


def test_the_image_contract_is_the_settings_contract() -> None:
    """One definition: settings re-exports what the image's programs read."""
    from mlflow_entrypoint import contract as image

    from settings import contract

    shared = [name for name in dir(image) if name.isupper()]
    assert shared, "mlflow_entrypoint.contract defines no constants"
    for name in shared:
        assert getattr(contract, name) is getattr(image, name), name
