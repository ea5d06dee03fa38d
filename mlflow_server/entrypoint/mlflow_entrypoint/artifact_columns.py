"""The rewrite tool's database side: the columns that hold artifact locations, surveyed and
rewritten with SQLAlchemy Core (quoted identifiers, bound values, portable SQL)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mlflow_entrypoint.artifact_mapping import UriMapping

# MLflow 3.17's artifact-location columns (mlflow/store/*/dbmodels/models.py), as (table,
# column, (filter column, filter value) or None) where only some rows hold one: a trace's
# artifacts are named by its mlflow.artifactLocation tag (mlflow.utils.mlflow_tags).
TARGETS: tuple[tuple[str, str, tuple[str, str] | None], ...] = (
    ("experiments", "artifact_location", None),
    ("runs", "artifact_uri", None),
    ("model_versions", "source", None),
    ("model_versions", "storage_location", None),
    ("logged_models", "artifact_location", None),
    ("workspaces", "default_artifact_root", None),
    ("workspaces", "trace_archival_location", None),
    ("trace_tags", "value", ("key", "mlflow.artifactLocation")),
)


@dataclass(frozen=True)
class Column:
    table: str
    column: str
    only: tuple[str, str] | None  # (column, value): the rows that hold a location
    length: int | None  # the column's maximum length (None: unbounded)

    @property
    def name(self) -> str:
        return f"{self.table}.{self.column}"

    def sql(self) -> tuple[Any, Any, Any]:
        """(table, column, row filter) as SQLAlchemy Core objects: identifiers are quoted by
        SQLAlchemy and every value is a bound parameter."""
        import sqlalchemy as sa

        names = [self.column] + ([self.only[0]] if self.only else [])
        table = sa.table(self.table, *(sa.column(n) for n in names))
        rows = sa.true() if self.only is None else table.c[self.only[0]] == self.only[1]
        return table, table.c[self.column], rows


def _below(value: Any, prefix: str) -> Any:
    """SQL: `value` is `prefix` or lies below it (prefix/...), LIKE wildcards escaped."""
    import sqlalchemy as sa

    return sa.or_(value == prefix, value.like(_escape(prefix) + "/%", escape="\\"))


def _escape(text: str) -> str:
    """`text` for a LIKE pattern with the escape character backslash."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass
class ColumnReport:
    column: Column
    to_rewrite: int = 0
    at_destination: int = 0
    samples: tuple[tuple[str, str], ...] = ()


def present_columns(engine: Any) -> list[Column]:
    """The TARGETS this database has, with their lengths."""
    import sqlalchemy

    inspector = sqlalchemy.inspect(engine)
    tables = set(inspector.get_table_names())
    found = []
    for table, column, only in TARGETS:
        if table not in tables:
            continue
        columns = {c["name"]: c for c in inspector.get_columns(table)}
        if column in columns:
            length = getattr(columns[column]["type"], "length", None)
            found.append(Column(table, column, only, length))
    return found


def survey(
    conn: Any, mappings: Sequence[UriMapping], columns: Sequence[Column]
) -> tuple[list[ColumnReport], dict[str, int], list[str]]:
    """What a rewrite would do: a report per column, the gs:// buckets no mapping covers (with
    their number of distinct values), and the reasons to refuse (none when it is safe)."""
    import sqlalchemy as sa

    reports: list[ColumnReport] = []
    unmapped: dict[str, int] = {}
    refusals: list[str] = []
    for col in columns:
        report = ColumnReport(col)
        _, value, rows = col.sql()
        for m in mappings:
            held = sa.and_(rows, _below(value, m.old))
            count, longest = conn.execute(
                sa.select(sa.func.count(), sa.func.max(sa.func.length(value))).where(held)
            ).one()
            report.to_rewrite += int(count)
            grown = len(m.new_base) - len(m.old)  # every value below OLD: NEW_base + the rest
            if count and col.length is not None and int(longest) + grown > col.length:
                refusals.append(
                    f"{col.name}: a value of {longest} characters would grow to "
                    f"{int(longest) + grown}; the column holds at most {col.length}"
                )
            doubled = conn.execute(
                sa.select(sa.func.min(value)).where(
                    rows, value.like(_escape(m.old) + "//%", escape="\\")
                )
            ).scalar_one()
            if doubled is not None:
                refusals.append(
                    f"{col.name}: {doubled!r} has an empty path segment after {m.old}; it would "
                    "not become a plain path below the destination"
                )
            sample = conn.execute(sa.select(value).where(held).order_by(value).limit(2))
            report.samples += tuple((v, m.rewrite(v)) for (v,) in sample)
            report.at_destination += int(
                conn.execute(
                    sa.select(sa.func.count()).where(rows, _below(value, m.new_base))
                ).scalar_one()
            )
        for m, other, shadow in _shadows(mappings):
            clash = conn.execute(
                sa.select(sa.func.min(value)).where(rows, _below(value, shadow))
            ).scalar_one()
            if clash is not None:
                refusals.append(
                    f"ambiguous mapping: {col.name} {clash!r} (under {m.old}) would land in "
                    f"{other.new}, where {other.old} goes too"
                )
        for (found,) in conn.execute(sa.select(value).distinct().where(rows, value.like("gs://%"))):
            if not any(m.holds(found) or m.arrived(found) for m in mappings):
                bucket = "/".join(found.split("/")[:3])
                unmapped[bucket] = unmapped.get(bucket, 0) + 1
        reports.append(report)
    return reports, unmapped, refusals


def _shadows(mappings: Sequence[UriMapping]) -> list[tuple[UriMapping, UriMapping, str]]:
    """For two mappings whose NEWs nest (other.new at or below m.new): the location under m.old
    whose values would be rewritten into other.new, where other's values go."""
    found = []
    for m in mappings:
        for other in mappings:
            if other is not m and (
                other.new_base == m.new_base or other.new_base.startswith(m.new_base + "/")
            ):
                found.append((m, other, m.old + other.new_base[len(m.new_base) :]))
    return found


def rewrite(conn: Any, mappings: Sequence[UriMapping], columns: Sequence[Column]) -> int:
    """Rewrite every column in the caller's transaction; the number of values changed."""
    import sqlalchemy as sa

    changed = 0
    for col in columns:
        table, value, rows = col.sql()
        for m in mappings:
            # substr is 1-based: from the character after OLD on, i.e. "/rest".
            new = sa.case(
                (value == m.old, sa.literal(m.new)),
                else_=sa.literal(m.new_base) + sa.func.substr(value, len(m.old) + 1),
            )
            result = conn.execute(
                sa.update(table).where(rows, _below(value, m.old)).values({value: new})
            )
            changed += int(result.rowcount)
    return changed
