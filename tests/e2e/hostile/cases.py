"""Every hostile request of the suite, class by class (one table module per class)."""

from __future__ import annotations

from tests.e2e.hostile import (
    table_admin,
    table_assertions,
    table_cross_user,
    table_identity,
    table_limits,
    table_origin_host,
    table_paths,
    table_privilege,
    table_spoofing,
)
from tests.e2e.hostile.case import Case

TABLES = (
    table_identity,
    table_assertions,
    table_spoofing,
    table_paths,
    table_cross_user,
    table_admin,
    table_origin_host,
    table_privilege,
    table_limits,
)
CLASSES = tuple(t.CLS for t in TABLES)
ALL: tuple[Case, ...] = tuple(c for t in TABLES for c in t.CASES)
