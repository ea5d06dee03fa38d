"""Synthesize environments with whichever CDK the running venv has: cdktf, or CDK Terrain.

Run as `<venv>/bin/python -m tests.support.cdk_synth OUTDIR ENV...`, where ENV is a config/
environment's name or `fixture-<name>` for tests/configs/<name>.yaml. Each environment's stack
JSON lands in OUTDIR/<ENV>/cdk.tf.json; one JSON line on stdout gives the toolchain, its
version and the seconds each synth took (after the one-time imports, reported apart).

Under .venv-cdktn (requirements-cdktn.txt) the unchanged infra/ code runs on CDK Terrain: its
imports of `cdktf` and `cdktf_cdktf_provider_<name>` are served by `cdktn` and
`cdktn_provider_<name>`, the same module objects under the old names (a meta-path alias, below).
Under .venv it is the project's cdktf, untouched. tests/infra/test_cdktn_equivalence.py compares.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import sys
import time
from importlib.metadata import version
from pathlib import Path
from types import ModuleType

from settings import Settings, load_settings
from tests.support.configs import fixture_settings

# The old module name -> the CDK Terrain one (cdk-terrain's upgrade-guide-v0-22 "Migrating to
# CDKTN": `cdktf` -> `cdktn`, `cdktf_cdktf_provider_aws` -> `cdktn_provider_aws`).
RENAMES = {
    "cdktf": "cdktn",
    "cdktf_cdktf_provider_google": "cdktn_provider_google",
    "cdktf_cdktf_provider_random": "cdktn_provider_random",
}
FIXTURE_PREFIX = "fixture-"


class ModuleAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serve `old` and `old.x.y` with the already-importable `new` and `new.x.y` modules."""

    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.old and not fullname.startswith(self.old + "."):
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module(self.new + spec.name[len(self.old) :])

    def exec_module(self, module: ModuleType) -> None:
        """The target module ran its code when it was imported under its own name."""


def _register_bare_package(name: str) -> None:
    """As infra/__init__.py does for the cdktf providers: the package without its __init__,
    which imports all ~1,470 modules; `name.storage_bucket` then loads that module only."""
    spec = importlib.util.find_spec(name)
    if spec is not None and spec.submodule_search_locations is not None:
        sys.modules.setdefault(name, importlib.util.module_from_spec(spec))


def use_cdk_terrain() -> None:
    """Make `import cdktf...` resolve to CDK Terrain's modules (call before importing infra)."""
    for old, new in RENAMES.items():
        if new != "cdktn":
            _register_bare_package(new)
        sys.meta_path.insert(0, ModuleAlias(old, new))


def toolchain() -> tuple[str, str]:
    """("cdktn", version) when CDK Terrain is installed here, else ("cdktf", version)."""
    if importlib.util.find_spec("cdktn") is not None:
        return "cdktn", version("cdktn")
    return "cdktf", version("cdktf")


def load(env: str) -> Settings:
    if env.startswith(FIXTURE_PREFIX):
        return fixture_settings(env.removeprefix(FIXTURE_PREFIX))
    return load_settings(env)


def main(argv: list[str]) -> None:
    outdir, envs = Path(argv[0]), argv[1:]
    name, release = toolchain()
    started = time.perf_counter()
    if name == "cdktn":
        use_cdk_terrain()
    from infra.app import synth

    imported = time.perf_counter()
    seconds: dict[str, float] = {}
    for env in envs:
        settings = load(env)
        begun = time.perf_counter()
        synth(settings, outdir=outdir / "cdktf.out" / env)
        seconds[env] = round(time.perf_counter() - begun, 3)
        made = outdir / "cdktf.out" / env / "stacks" / settings.names.terraform_stack
        (outdir / env).mkdir(parents=True, exist_ok=True)
        (made / "cdk.tf.json").replace(outdir / env / "cdk.tf.json")
    report = {
        "toolchain": name,
        "version": release,
        "import_seconds": round(imported - started, 3),
        "synth_seconds": seconds,
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1:])
