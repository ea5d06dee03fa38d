"""pytest plugin for both runs (-p ops.upstream.compat): COMPAT_SHIMS, applied before the test
file is imported, so that an older test file imports on the pinned MLflow."""

from __future__ import annotations

import importlib
from typing import Any, NoReturn

import pytest

from ops.upstream.expected import COMPAT_SHIMS, Shim

APPLIED: list[Shim] = []


def _stand_in(shim: Shim) -> Any:
    def missing(*args: Any, **kwargs: Any) -> NoReturn:
        raise NotImplementedError(
            f"{shim.module}.{shim.name} does not exist in this MLflow ({shim.reason})"
        )

    return missing


def pytest_configure(config: pytest.Config) -> None:
    for shim in COMPAT_SHIMS:
        module = importlib.import_module(shim.module)
        if not hasattr(module, shim.name):
            setattr(module, shim.name, _stand_in(shim))
            APPLIED.append(shim)


def pytest_report_header(config: pytest.Config) -> list[str]:
    return [f"upstream compat shim: {s.module}.{s.name} ({s.reason})" for s in APPLIED]
