#!/usr/bin/env python3
"""Rewrite the artifact locations stored in an MLflow database from old buckets to new ones.

    mlflow-entrypoint rewrite-artifact-uris --map gs://OLD-BUCKET[/PREFIX]=NEW [--map ...] [--apply]

NEW is `mlflow-artifacts:/[PREFIX]` (the server's proxied artifact root, which stands for its
MLFLOW_ARTIFACTS_DESTINATION: clients then need no Google credentials, as for new runs) or
`gs://BUCKET[/PREFIX]`. A value equal to OLD or below it (`OLD/...`, on a path-segment
boundary) becomes NEW with the same rest: `gs://old/1/abc/artifacts` ->
`mlflow-artifacts:/1/abc/artifacts`.

* A dry run by default: it prints, per column, how many values would change and how many
  already point at a destination, and which gs:// buckets no mapping covers; it changes nothing.
* `--apply` rewrites every column in one transaction, checks that no value under an OLD is left
  and commits; any error rolls everything back.
* Idempotent: a rewritten value never matches an OLD again, so a second run changes nothing.
* It refuses to touch anything (exit 2) when the mapping is ambiguous: two OLDs that overlap, an
  OLD that overlaps a NEW (or the server's artifact destination, which `mlflow-artifacts:/`
  stands for), two mappings that would rewrite stored values into the same place (NEWs that
  nest, with values under the first OLD where the second NEW lands), a value the rewrite would
  not turn into a plain path below NEW (`gs://old//x`), or a new value longer than its column
  allows.

The columns are those of MLflow 3.17's schema that hold artifact locations; one that the
database lacks (an older or newer schema) is skipped. Dataset sources (`datasets.dataset_source`)
are left alone on purpose: they name the user's data, not MLflow's artifacts.

The database URI comes from MLFLOW_BACKEND_STORE_URI, never from argv (`ps` shows argv):
`mlflow-entrypoint rewrite-artifact-uris ...` builds it from the pod's DB_* settings and the
mounted password file, then runs this program with it.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

URI_ENV = "MLFLOW_BACKEND_STORE_URI"
DESTINATION_ENV = "MLFLOW_ARTIFACTS_DESTINATION"
PROXIED = "mlflow-artifacts:"
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
# Cloud Storage bucket names: https://cloud.google.com/storage/docs/buckets#naming
_GS = re.compile(r"gs://[a-z0-9][a-z0-9._-]{1,220}[a-z0-9](/[^/\s]+)*")
_PROXIED = re.compile(r"mlflow-artifacts:/([^/\s]+(/[^/\s]+)*)?")
EXIT_REFUSED = 2


class Refused(Exception):
    """Bad arguments or an ambiguous mapping: nothing was touched."""


@dataclass(frozen=True)
class UriMapping:
    old: str  # gs://bucket[/prefix], without a trailing slash
    new: str  # mlflow-artifacts:/[prefix] or gs://bucket[/prefix], the same

    @property
    def new_base(self) -> str:
        """NEW without a trailing slash: NEW_base + "/rest" is a rewritten value."""
        return self.new.rstrip("/")

    def rewrite(self, value: str) -> str:
        return self.new if value == self.old else self.new_base + value[len(self.old) :]

    def holds(self, value: str) -> bool:
        return value == self.old or value.startswith(self.old + "/")

    def arrived(self, value: str) -> bool:
        return value == self.new or value.startswith(self.new_base + "/")


def _strip(uri: str) -> str:
    return uri if uri == PROXIED + "/" else uri.rstrip("/")


def parse_mapping(text: str) -> UriMapping:
    old, sep, new = text.partition("=")
    if not sep:
        raise Refused(f"--map {text!r}: expected OLD=NEW, e.g. gs://old-bucket=mlflow-artifacts:/")
    old, new = _strip(old.strip()), _strip(new.strip())
    if not _GS.fullmatch(old):
        raise Refused(f"--map {text!r}: OLD {old!r} must be gs://BUCKET[/PREFIX]")
    if not (_GS.fullmatch(new) or _PROXIED.fullmatch(new)):
        raise Refused(
            f"--map {text!r}: NEW {new!r} must be mlflow-artifacts:/[PREFIX] or "
            "gs://BUCKET[/PREFIX]"
        )
    return UriMapping(old, new)


def _overlap(a: str, b: str) -> bool:
    """Whether one location is the other or lies below it (on a path-segment boundary)."""
    a, b = a.rstrip("/"), b.rstrip("/")
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


def _as_gs(new: str, destination: str | None) -> str | None:
    """NEW as the gs:// location it stands for (mlflow-artifacts:/x is DESTINATION/x)."""
    if new.startswith("gs://"):
        return new
    if destination is None:
        return None
    rest = new[len(PROXIED) :].strip("/")
    return destination.rstrip("/") + (f"/{rest}" if rest else "")


def check_mappings(mappings: Sequence[UriMapping], destination: str | None) -> None:
    """Refuse mappings whose result would depend on their order or would feed themselves."""
    if not mappings:
        raise Refused("give at least one --map OLD=NEW")
    if destination is not None and not _GS.fullmatch(_strip(destination)):
        raise Refused(f"{DESTINATION_ENV}={destination!r} is not gs://BUCKET[/PREFIX]")
    for i, m in enumerate(mappings):
        for other in mappings[i + 1 :]:
            if _overlap(m.old, other.old):
                raise Refused(
                    f"ambiguous mapping: {m.old} and {other.old} overlap (a value below both "
                    "would match twice); give OLD locations that do not contain each other"
                )
        for n in mappings:
            target = _as_gs(n.new, destination)
            if target is not None and _overlap(m.old, target):
                raise Refused(
                    f"ambiguous mapping: OLD {m.old} overlaps the destination {target} "
                    f"(of {n.new}); rewritten values would match OLD again"
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


def _print_survey(
    out: TextIO,
    mappings: Sequence[UriMapping],
    destination: str | None,
    reports: Sequence[ColumnReport],
    unmapped: Mapping[str, int],
) -> None:
    for m in mappings:
        stands_for = _as_gs(m.new, destination) if m.new.startswith(PROXIED) else None
        print(f"map {m.old} -> {m.new}" + (f" (= {stands_for})" if stands_for else ""), file=out)
    width = max(len(r.column.name) for r in reports)
    for r in reports:
        print(
            f"  {r.column.name:<{width}} {r.to_rewrite:>8} to rewrite "
            f"{r.at_destination:>8} already at a destination",
            file=out,
        )
        for old, new in r.samples:
            print(f"      e.g. {old} -> {new}", file=out)
    for bucket, count in sorted(unmapped.items()):
        print(f"  left alone: {count} location(s) under {bucket}, which no --map covers", file=out)


def run(argv: Sequence[str], env: Mapping[str, str], out: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(
        prog="mlflow-entrypoint rewrite-artifact-uris",
        description="Rewrite the artifact locations stored in the MLflow database "
        "(a dry run unless --apply).",
    )
    parser.add_argument(
        "--map",
        dest="maps",
        action="append",
        default=[],
        metavar="OLD=NEW",
        help="gs://OLD-BUCKET[/PREFIX]=mlflow-artifacts:/[PREFIX] (or =gs://BUCKET[/PREFIX])",
    )
    parser.add_argument("--apply", action="store_true", help="rewrite (default: a dry run)")
    args = parser.parse_args(argv)
    uri = env.get(URI_ENV)
    if not uri:
        raise Refused(
            f"{URI_ENV} is not set; run this as `mlflow-entrypoint rewrite-artifact-uris`, which "
            "builds it from DB_USER, DB_NAME, DB_HOST, DB_PORT and DB_PASSWORD_FILE"
        )
    mappings = [parse_mapping(m) for m in args.maps]
    destination = env.get(DESTINATION_ENV) or None
    check_mappings(mappings, destination)

    import sqlalchemy

    engine = sqlalchemy.create_engine(uri)
    try:
        columns = present_columns(engine)
        if not columns:
            raise Refused("the database has none of MLflow's artifact-location columns")
        with engine.begin() as conn:
            if not args.apply and engine.dialect.name == "postgresql":
                conn.execute(sqlalchemy.text("SET TRANSACTION READ ONLY"))
            reports, unmapped, refusals = survey(conn, mappings, columns)
            _print_survey(out, mappings, destination, reports, unmapped)
            if refusals:
                raise Refused("nothing was changed:\n  " + "\n  ".join(refusals))
            total = sum(r.to_rewrite for r in reports)
            if not args.apply:
                print(f"dry run, nothing changed: --apply rewrites {total} value(s)", file=out)
                return 0
            changed = rewrite(conn, mappings, columns)
            left, _, _ = survey(conn, mappings, columns)
            remaining = sum(r.to_rewrite for r in left)
            if changed != total or remaining:
                raise RuntimeError(
                    f"rewrote {changed} of {total} value(s) and {remaining} still match; "
                    "rolled back (was the database written to meanwhile?)"
                )
        print(f"rewrote {changed} value(s) in one transaction", file=out)
        return 0
    finally:
        engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    import sqlalchemy.exc

    try:
        return run(sys.argv[1:] if argv is None else argv, os.environ)
    except Refused as exc:
        print(f"rewrite-artifact-uris: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except (sqlalchemy.exc.SQLAlchemyError, RuntimeError) as exc:
        # The transaction is rolled back. The driver's message names host and port, never the
        # password (which is only in the environment).
        reason = getattr(exc, "orig", None) or exc
        print(f"rewrite-artifact-uris: nothing was changed: {reason}".rstrip(), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
