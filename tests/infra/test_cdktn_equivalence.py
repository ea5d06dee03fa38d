"""The way to CDK Terrain, proven: the unchanged infra/ app synthesizes on cdktn 0.23.4 with
cdktn-provider-google 18.0.0 (hashicorp/google 6.50.0) to the Terraform JSON cdktf writes, for
every environment of config/ and tests/configs/, apart from the exact differences listed here.

Both toolchains run tests/support/cdk_synth.py in a subprocess, each from its own venv (.venv,
.venv-cdktn: `make install-test`), so neither imports the other's jsii assemblies
(docs/cdk-terrain.md).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ops.environments import STACKS, environments
from settings import REPO_ROOT, load_settings
from tests.support.cdk_synth import FIXTURE_PREFIX, ModuleAlias
from tests.support.configs import FIXTURE_ENVS

CDKTN_PYTHON = REPO_ROOT / ".venv-cdktn" / "bin" / "python"
CONFIG_ENVS = tuple(environments())
ENVS = CONFIG_ENVS + tuple(FIXTURE_PREFIX + env for env in FIXTURE_ENVS)
JsonPath = tuple[str, ...]

# What differs, and nothing else may. Terraform reads a provider source without a namespace as
# hashicorp/<type>, so "google" and "hashicorp/google" name the same provider
# (https://developer.hashicorp.com/terraform/language/providers/requirements#source-addresses).
# cdktn-provider-random 14.0.0 is built on hashicorp/random 3.8.1; no cdktn build has cdktf's
# 3.7.2 (requirements-cdktn.txt).
RANDOM_VERSIONS = ("3.7.2", "3.8.1")
GOOGLE_SOURCES = ("google", "hashicorp/google")


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            name, _, pinned = line.partition("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = pinned
    return pins


def differences(a: Any, b: Any, at: JsonPath = ()) -> dict[JsonPath, tuple[Any, Any]]:
    """Every leaf where two JSON documents differ: {path: (a's value, b's value)}."""
    if isinstance(a, dict) and isinstance(b, dict):
        found: dict[JsonPath, tuple[Any, Any]] = {}
        for key in sorted(a.keys() | b.keys()):
            found |= differences(a.get(key), b.get(key), (*at, key))
        return found
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        found = {}
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found |= differences(x, y, (*at, str(i)))
        return found
    return {} if a == b else {at: (a, b)}


def expected_differences(
    cdktf_doc: dict[str, Any], versions: tuple[str, str]
) -> dict[JsonPath, tuple[Any, Any]]:
    providers = cdktf_doc["terraform"]["required_providers"]
    expected: dict[JsonPath, tuple[Any, Any]] = {
        ("//", "metadata", "version"): versions,
        ("terraform", "required_providers", "google", "source"): GOOGLE_SOURCES,
    }
    if "random" in providers:
        expected[("terraform", "required_providers", "random", "version")] = RANDOM_VERSIONS
    return expected


def _synth(python: Path, outdir: Path) -> dict[str, Any]:
    env = {**os.environ, "CHECKPOINT_DISABLE": "1"}
    # jsii's Node.js: .venv's (ops/toolchain.py), for both; .venv-cdktn has none of its own.
    env["JSII_NODE"] = str(REPO_ROOT / ".venv" / "bin" / "node")
    done = subprocess.run(
        [str(python), "-m", "tests.support.cdk_synth", str(outdir), *ENVS],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict, Path]]:
    """{"cdktf"|"cdktn": (the runner's report, the folder of <env>/cdk.tf.json)}."""
    assert CDKTN_PYTHON.is_file(), "no .venv-cdktn: run `make install-test`"
    found = {}
    for python in (Path(sys.executable), CDKTN_PYTHON):
        outdir = tmp_path_factory.mktemp("cdk")
        report = _synth(python, outdir)
        found[report["toolchain"]] = (report, outdir)
    assert sorted(found) == ["cdktf", "cdktn"], sorted(found)
    return found


def _doc(folder: Path, env: str) -> dict[str, Any]:
    return json.loads((folder / env / "cdk.tf.json").read_text())


@pytest.mark.integration
@pytest.mark.parametrize("env", ENVS)
def test_cdktn_writes_the_same_terraform_json(env: str, synthesized: dict) -> None:
    cdktf_report, cdktf_out = synthesized["cdktf"]
    cdktn_report, cdktn_out = synthesized["cdktn"]
    assert cdktn_report["version"].startswith("0.23.")
    cdktf_doc, cdktn_doc = _doc(cdktf_out, env), _doc(cdktn_out, env)
    versions = (cdktf_report["version"], cdktn_report["version"])
    assert differences(cdktf_doc, cdktn_doc) == expected_differences(cdktf_doc, versions)
    # The provider the resources are written for is the same release on both.
    assert cdktn_doc["terraform"]["required_providers"]["google"]["version"] == "6.50.0"


@pytest.mark.integration
@pytest.mark.parametrize("env", CONFIG_ENVS)
def test_the_cdktf_side_is_the_committed_output(env: str, synthesized: dict) -> None:
    """What cdktn is compared with is what the team deploys: cdktf.out/stacks/<stack>/."""
    stack = load_settings(env).names.terraform_stack
    committed = json.loads((STACKS / stack / "cdk.tf.json").read_text())
    assert _doc(synthesized["cdktf"][1], env) == committed


@pytest.mark.integration
def test_synth_times_are_reported(synthesized: dict, capsys: pytest.CaptureFixture) -> None:
    """Both toolchains synthesized every environment; the seconds are printed (make test -s)."""
    with capsys.disabled():
        for name, (report, _) in sorted(synthesized.items()):
            total = sum(report["synth_seconds"].values())
            print(
                f"\n{name} {report['version']}: imports {report['import_seconds']:.1f} s, "
                f"{len(ENVS)} synths {total:.1f} s"
            )
    for report, _ in synthesized.values():
        assert set(report["synth_seconds"]) == set(ENVS)


def test_requirements_cdktn_pins_everything_and_agrees_with_the_lock() -> None:
    cdktn = _pins(REPO_ROOT / "requirements-cdktn.txt")
    lock = _pins(REPO_ROOT / "requirements.lock")
    assert all(cdktn.values()), f"not pinned with ==: {[k for k, v in cdktn.items() if not v]}"
    assert cdktn["cdktn"].startswith("0.23.")
    assert cdktn["cdktn-provider-google"] == "18.0.0"
    shared = {name for name in cdktn if name in lock}
    assert {"constructs", "jsii", "pydantic", "pyyaml"} <= shared
    assert {name: cdktn[name] for name in shared} == {name: lock[name] for name in shared}


def test_module_alias_serves_the_new_modules_under_the_old_names() -> None:
    import json.decoder

    alias = ModuleAlias("old_json_name", "json")
    sys.meta_path.insert(0, alias)
    try:
        from old_json_name.decoder import JSONDecoder

        assert JSONDecoder is json.decoder.JSONDecoder
        assert sys.modules["old_json_name"] is json
        assert alias.find_spec("old_json_names") is None  # a prefix only up to a dot
    finally:
        sys.meta_path.remove(alias)
        for name in [n for n in sys.modules if n.split(".")[0] == "old_json_name"]:
            del sys.modules[name]
