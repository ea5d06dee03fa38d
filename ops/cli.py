"""Run an entry point: a ConfigError becomes one message on stderr and exit status 2."""

from __future__ import annotations

import sys
from collections.abc import Callable

from settings.errors import ConfigError


def run(main: Callable[[], object]) -> None:
    try:
        main()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
