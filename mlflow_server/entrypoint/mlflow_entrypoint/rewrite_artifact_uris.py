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
mounted password file, then runs this program with it, as
`python -m mlflow_entrypoint.rewrite_artifact_uris`. The mappings are
mlflow_entrypoint.artifact_mapping's; the columns and their SQL mlflow_entrypoint.artifact_columns'.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from typing import TextIO

from mlflow_entrypoint.artifact_columns import ColumnReport, present_columns, rewrite, survey
from mlflow_entrypoint.artifact_mapping import (
    EXIT_REFUSED,
    PROXIED,
    Refused,
    UriMapping,
    as_gs,
    check_mappings,
    parse_mapping,
)
from mlflow_entrypoint.backend import REQUIRED
from mlflow_entrypoint.contract import (
    MLFLOW_ARTIFACTS_DESTINATION_ENV,
    MLFLOW_BACKEND_STORE_URI_ENV,
    PROGRAM,
    REWRITE_ARTIFACT_URIS_COMMAND,
)


def _print_survey(
    out: TextIO,
    mappings: Sequence[UriMapping],
    destination: str | None,
    reports: Sequence[ColumnReport],
    unmapped: Mapping[str, int],
) -> None:
    for m in mappings:
        stands_for = as_gs(m.new, destination) if m.new.startswith(PROXIED) else None
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
        prog=f"{PROGRAM} {REWRITE_ARTIFACT_URIS_COMMAND}",
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
    uri = env.get(MLFLOW_BACKEND_STORE_URI_ENV)
    if not uri:
        raise Refused(
            f"{MLFLOW_BACKEND_STORE_URI_ENV} is not set; run this as "
            f"`{PROGRAM} {REWRITE_ARTIFACT_URIS_COMMAND}`, which builds it from "
            f"{', '.join(REQUIRED[:-1])} and {REQUIRED[-1]}"
        )
    mappings = [parse_mapping(m) for m in args.maps]
    destination = env.get(MLFLOW_ARTIFACTS_DESTINATION_ENV) or None
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
        print(f"{REWRITE_ARTIFACT_URIS_COMMAND}: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except (sqlalchemy.exc.SQLAlchemyError, RuntimeError) as exc:
        # The transaction is rolled back. The driver's message names host and port, never the
        # password (which is only in the environment).
        reason = getattr(exc, "orig", None) or exc
        print(
            f"{REWRITE_ARTIFACT_URIS_COMMAND}: nothing was changed: {reason}".rstrip(),
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
