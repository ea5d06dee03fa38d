"""mlflow_entrypoint.contract: the image's interface, one definition that both sides read.

The settings package imports it at synth time, where MLflow is not installed, so it must stay
free of imports; the entry point and the IAP plugin must read their names from it, never from
a literal of their own that a rename would leave behind.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import tomllib
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from mlflow_entrypoint import cli, contract
from mlflow_entrypoint.kek import Kek, read_kek
from mlflow_iap_auth.config import IapConfig

from tests.image.dockerfile import SERVER_DIR, instructions

NAMES = {n: v for n, v in vars(contract).items() if n.isupper()}
ENV_NAMES = {n: v for n, v in NAMES.items() if n.endswith("_ENV")}
# The sources (the plugin in .venv is a copy of them).
ENTRYPOINT_DIR = SERVER_DIR / "entrypoint" / "mlflow_entrypoint"
PLUGIN_DIR = SERVER_DIR / "iap_auth" / "mlflow_iap_auth"


def _literals(folder: Path, skip: str = "") -> dict[str, str]:
    """Every string constant of the modules in `folder` -> the file it is in."""
    found = {}
    for path in sorted(folder.glob("*.py")):
        if path.name != skip:
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    found[node.value] = path.name
    return found


def test_the_contract_is_plain_constants_without_imports() -> None:
    tree = ast.parse(Path(contract.__file__).read_text())
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    assert NAMES, "no constants"
    for name, value in NAMES.items():
        assert type(value) in (str, int), f"{name} is a {type(value).__name__}"


def test_importing_the_contract_loads_nothing_else() -> None:
    """What synth pays: the package's __init__ and the contract, no MLflow, no SQLAlchemy."""
    probe = (
        "import sys; before = set(sys.modules); import mlflow_entrypoint.contract; "
        "print(sorted(set(sys.modules) - before))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out.replace("'", '"')) == ["mlflow_entrypoint", "mlflow_entrypoint.contract"]


def test_each_variable_constant_is_named_after_its_variable() -> None:
    for name, value in ENV_NAMES.items():
        assert name == f"{value}_ENV"
    iap = {v for v in ENV_NAMES.values() if v.startswith("IAP_")}
    assert iap == {
        "IAP_PROJECT_NUMBER",
        "IAP_BACKEND_SERVICE_ID",
        "IAP_PROJECT_ID",
        "IAP_SERVICE",
        "IAP_SERVICE_PORT",
        "IAP_SERVICE_PORT_NUMBER",
        "IAP_COMPUTE_URL",
        "IAP_DEFAULT_PERMISSION",
        "IAP_ADMINS",
        "IAP_IN_CLUSTER_CIDRS",
        "IAP_IN_CLUSTER_USER",
        "IAP_PORT_FORWARD_USER",
        "IAP_PORT_FORWARD_PERMISSION",
        "IAP_KEYS_URL",
        "IAP_UNVERIFIED_PATHS",
        "IAP_AUTH_DATABASE_URI",
    }


@pytest.mark.parametrize(
    ("folder", "skip"), [(ENTRYPOINT_DIR, "contract.py"), (PLUGIN_DIR, "")], ids=["entry", "iap"]
)
def test_the_programs_read_the_names_from_the_contract(folder: Path, skip: str) -> None:
    shared = {*ENV_NAMES.values(), contract.PROGRAM, contract.IAP_APP_NAME, contract.HEALTH_PATH}
    literals = _literals(folder, skip)
    assert {v: f for v, f in literals.items() if v in shared} == {}
    # The plugin's own variables, too, once it grows one: none outside the contract.
    assert [v for v in literals if v.startswith("IAP_") and v.isupper()] == []


def test_the_iap_plugin_is_the_app_the_contract_names() -> None:
    pyproject = tomllib.loads((SERVER_DIR / "iap_auth" / "pyproject.toml").read_text())
    apps = pyproject["project"]["entry-points"]["mlflow.app"]
    assert apps == {contract.IAP_APP_NAME: "mlflow_iap_auth.app:create_app"}
    (installed,) = entry_points(group="mlflow.app", name=contract.IAP_APP_NAME)
    assert installed.value == "mlflow_iap_auth.app:create_app"


def test_the_plugin_lets_the_health_path_through_by_default() -> None:
    env = {
        contract.IAP_PROJECT_NUMBER_ENV: "123456789012",
        contract.IAP_ADMINS_ENV: "root@example.com",
        contract.IAP_PORT_FORWARD_USER_ENV: "kubectl-port-forward",
        contract.IAP_AUTH_DATABASE_URI_ENV: "postgresql://x/y",
        contract.IAP_BACKEND_SERVICE_ID_ENV: "4242",
    }
    assert IapConfig.from_env(env).unverified_paths == {contract.HEALTH_PATH} == {"/health"}


def test_the_image_runs_the_program_and_a_subcommand_of_it() -> None:
    (entrypoint,) = [a for w, a in instructions() if w == "ENTRYPOINT"]
    (cmd,) = [a for w, a in instructions() if w == "CMD"]
    assert json.loads(entrypoint) == [contract.PROGRAM]
    assert json.loads(cmd)[0] == contract.SERVER_COMMAND
    assert cli.COMMANDS == (
        contract.DB_COMMAND,
        contract.SERVER_COMMAND,
        contract.GC_COMMAND,
        contract.REWRITE_ARTIFACT_URIS_COMMAND,
    )


def test_the_kek_document_keys_are_the_ones_the_entry_point_reads(tmp_path: Path) -> None:
    """The document as infra/kek.py writes it, with the contract's keys."""
    current, older = "c" * 40, "o" * 40
    document = {
        contract.KEK_VERSION_KEY: 2,
        contract.KEK_PASSPHRASE_KEY: current,
        contract.KEK_PREVIOUS_KEY: [
            {contract.KEK_VERSION_KEY: 1, contract.KEK_PASSPHRASE_KEY: older}
        ],
    }
    path = tmp_path / "kek"
    path.write_text(json.dumps(document))
    kek = read_kek(str(path))
    assert (kek.current, kek.previous) == (Kek(2, current), (Kek(1, older),))
