"""CDK for Terraform constructs for the Google Cloud side of the MLflow deployment.

Importing any module of a prebuilt provider package runs the package's __init__, which imports
every one of its modules (1,470 for google: ~9 s). The provider packages are registered here as
bare namespaces instead, so `from cdktf_cdktf_provider_google.storage_bucket import ...` loads
the jsii assembly and that one module only. The generated classes and their type checks are
unchanged (bench/synth_speed.py proves byte-identical output).
"""

from __future__ import annotations

import importlib.util
import sys

from ops.toolchain import prefer_project_node

PROVIDER_PACKAGES = ("cdktf_cdktf_provider_google", "cdktf_cdktf_provider_random")


def _register_bare_package(name: str) -> None:
    if name in sys.modules:  # already imported whole (e.g. by the benchmark's naive run)
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.submodule_search_locations is None:
        return  # not installed: the import that needs it will say so
    sys.modules[name] = importlib.util.module_from_spec(spec)


prefer_project_node()
for _package in PROVIDER_PACKAGES:
    _register_bare_package(_package)
