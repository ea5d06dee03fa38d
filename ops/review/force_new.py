"""Which argument changes make Terraform replace a resource: ops/review/force_new.json.

The table is data, with its source and date: for google 6.50.0 it lists, per resource type,
the arguments the provider's schema marks ForceNew (paths into nested blocks, dotted, list
indices dropped) and those a CustomizeDiff forces only in some cases, with the case. See the
file's "providers" entry for how it was read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

TABLE = Path(__file__).with_name("force_new.json")
_INDEX = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class Rule:
    force_new: tuple[str, ...]
    blocks: frozenset[str]  # the force_new entries that are nested blocks
    conditional: tuple[tuple[str, str], ...]  # (path, when)
    docs: str


@cache
def table() -> dict[str, Any]:
    return json.loads(TABLE.read_text(encoding="utf-8"))


@cache
def rules() -> dict[str, Rule]:
    return {
        rtype: Rule(
            force_new=tuple(entry["force_new"]),
            blocks=frozenset(entry.get("blocks", ())),
            conditional=tuple(sorted(entry.get("conditional", {}).items())),
            docs=entry["docs"],
        )
        for rtype, entry in table()["resources"].items()
    }


def schema_path(path: str) -> str:
    """A changed value's path as the table names it: list indices dropped.

    `settings[0].ip_configuration.private_network` -> `settings.ip_configuration.private_network`
    """
    return _INDEX.sub("", path)


def _covers(entry: str, path: str) -> bool:
    """Conditional entries: the argument itself or anything inside it."""
    return path == entry or path.startswith(entry + ".")


def forces_replacement(
    rtype: str, path: str, *, block_count_changed: Callable[[str], bool] = lambda _: False
) -> tuple[bool, str | None]:
    """(always, when): always is True when changing `path` replaces a `rtype`; otherwise
    `when` names the case in which it does (a conditional entry), or is None.

    A ForceNew nested block replaces only when the block itself is added or removed (the SDK
    puts ForceNew on the block's element count); a change inside it follows the inner
    argument's own entry. block_count_changed(entry) says whether that happened.
    Raises KeyError for a type the table does not know.
    """
    rule = rules()[rtype]
    bare = schema_path(path)
    for entry in rule.force_new:
        if bare == entry or (
            bare.startswith(entry + ".")
            and (entry not in rule.blocks or block_count_changed(entry))
        ):
            return True, None
    for entry, when in rule.conditional:
        if _covers(entry, bare):
            return False, when
    return False, None
