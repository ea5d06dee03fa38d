"""The seed's schema revision (MLflow 1.27.0's alembic head) against the scripts 3.17 ships.

tests/e2e/test_seed_upgrade.py builds a 1.27 database with these scripts; this checks that they
still hold 1.27's chain of revisions unchanged, from the first one to its head.
"""

from __future__ import annotations

from alembic.script import ScriptDirectory
from mlflow.store.db.utils import _get_alembic_config, _get_latest_schema_revision

from tests.e2e.seed_127 import MLFLOW_1_27_HEAD, MLFLOW_1_27_REVISIONS


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_get_alembic_config("sqlite://"))


def test_shipped_scripts_hold_the_1_27_chain_from_its_base() -> None:
    chain = [s.revision for s in _scripts().walk_revisions(base="base", head=MLFLOW_1_27_HEAD)]
    assert tuple(reversed(chain)) == MLFLOW_1_27_REVISIONS
    assert _scripts().get_revision(MLFLOW_1_27_REVISIONS[0]).down_revision is None


def test_head_descends_from_the_1_27_head() -> None:
    """3.17's `db upgrade` path from a 1.27 database exists (one linear history)."""
    head = _get_latest_schema_revision()
    assert head != MLFLOW_1_27_HEAD
    between = list(_scripts().iterate_revisions(head, MLFLOW_1_27_HEAD))
    assert between, "no upgrade path"
    assert MLFLOW_1_27_HEAD not in {s.revision for s in between}
