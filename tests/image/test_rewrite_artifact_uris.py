"""mlflow_entrypoint.rewrite_artifact_uris on a small database with the columns it rewrites.

SQLite with the tables and column lengths of MLflow 3.17's schema stands in for PostgreSQL
here (the tool uses only portable SQL); tests/e2e/test_seed_upgrade.py runs it through
`mlflow-entrypoint` against PostgreSQL and the server.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from mlflow_entrypoint.artifact_mapping import Refused, check_mappings, parse_mapping
from mlflow_entrypoint.contract import MLFLOW_ARTIFACTS_DESTINATION_ENV as DESTINATION_ENV
from mlflow_entrypoint.contract import MLFLOW_BACKEND_STORE_URI_ENV as URI_ENV
from mlflow_entrypoint.rewrite_artifact_uris import run

DEST = "gs://new-bucket/artifacts"
SCHEMA = """
CREATE TABLE experiments (experiment_id INTEGER PRIMARY KEY, artifact_location VARCHAR(256));
CREATE TABLE runs (run_uuid VARCHAR(32) PRIMARY KEY, artifact_uri VARCHAR(200));
CREATE TABLE model_versions (name VARCHAR(256), version INTEGER, source VARCHAR(500),
    storage_location VARCHAR(500), PRIMARY KEY (name, version));
CREATE TABLE logged_models (model_id VARCHAR(40) PRIMARY KEY, artifact_location VARCHAR(1000));
CREATE TABLE trace_tags (request_id VARCHAR(50), key VARCHAR(250), value VARCHAR(8000),
    PRIMARY KEY (request_id, key));
"""
ROWS: dict[str, list[tuple[Any, ...]]] = {
    "experiments": [(0, "gs://old-bucket/0"), (1, "gs://old-bucket/1"), (2, "gs://other/custom")],
    "runs": [
        ("a" * 32, "gs://old-bucket/1/" + "a" * 32 + "/artifacts"),
        ("b" * 32, "gs://old-bucket2/1/" + "b" * 32 + "/artifacts"),  # another bucket
        ("c" * 32, "mlflow-artifacts:/3/" + "c" * 32 + "/artifacts"),  # a new run
        ("d" * 32, None),
    ],
    "model_versions": [("m", 1, "gs://old-bucket/1/" + "a" * 32 + "/artifacts/model", None)],
    "logged_models": [("m-1", "gs://old-bucket/1/models/m-1/artifacts")],
    "trace_tags": [
        ("tr-1", "mlflow.artifactLocation", "gs://old-bucket/1/traces/tr-1/artifacts"),
        ("tr-1", "note", "gs://old-bucket/1/not-a-location"),
    ],
}


@pytest.fixture
def db(tmp_path: Path) -> sa.Engine:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'mlflow.db'}")
    with engine.begin() as conn:
        for statement in filter(str.strip, SCHEMA.split(";")):
            conn.exec_driver_sql(statement)
        for table, rows in ROWS.items():
            for row in rows:
                marks = ", ".join("?" * len(row))
                conn.exec_driver_sql(f"INSERT INTO {table} VALUES ({marks})", row)  # noqa: S608
    return engine


def _dump(engine: sa.Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {
            t: [tuple(r) for r in conn.exec_driver_sql(f"SELECT * FROM {t} ORDER BY 1, 2")]  # noqa: S608
            for t in ROWS
        }


def _run(engine: sa.Engine, *argv: str, destination: str | None = DEST) -> str:
    env = {URI_ENV: str(engine.url)}
    if destination:
        env[DESTINATION_ENV] = destination
    out = io.StringIO()
    assert run(list(argv), env, out) == 0
    return out.getvalue()


def test_dry_run_counts_and_changes_nothing(db: sa.Engine) -> None:
    before = _dump(db)
    out = _run(db, "--map", "gs://old-bucket=mlflow-artifacts:/")
    assert _dump(db) == before
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ")}
    assert "       2 to rewrite" in lines["experiments.artifact_location"]
    assert "       1 to rewrite" in lines["runs.artifact_uri"]
    assert "       1 already at a destination" in lines["runs.artifact_uri"]
    assert "       1 to rewrite" in lines["trace_tags.value"]  # the location tag only
    assert "map gs://old-bucket -> mlflow-artifacts:/ (= gs://new-bucket/artifacts)" in out
    assert "left alone: 1 location(s) under gs://old-bucket2" in out
    assert "left alone: 1 location(s) under gs://other" in out
    assert out.rstrip().endswith("--apply rewrites 6 value(s)")


def test_apply_rewrites_below_old_on_segment_boundaries(db: sa.Engine) -> None:
    out = _run(db, "--map", "gs://old-bucket=mlflow-artifacts:/", "--apply")
    assert "rewrote 6 value(s) in one transaction" in out
    after = _dump(db)
    run_a = "a" * 32
    assert after["experiments"] == [
        (0, "mlflow-artifacts:/0"),
        (1, "mlflow-artifacts:/1"),
        (2, "gs://other/custom"),
    ]
    assert dict(after["runs"]) == {
        run_a: f"mlflow-artifacts:/1/{run_a}/artifacts",
        "b" * 32: "gs://old-bucket2/1/" + "b" * 32 + "/artifacts",
        "c" * 32: "mlflow-artifacts:/3/" + "c" * 32 + "/artifacts",
        "d" * 32: None,
    }
    assert after["model_versions"] == [
        ("m", 1, f"mlflow-artifacts:/1/{run_a}/artifacts/model", None)
    ]
    assert after["logged_models"] == [("m-1", "mlflow-artifacts:/1/models/m-1/artifacts")]
    assert after["trace_tags"] == [
        ("tr-1", "mlflow.artifactLocation", "mlflow-artifacts:/1/traces/tr-1/artifacts"),
        ("tr-1", "note", "gs://old-bucket/1/not-a-location"),
    ]


def test_a_second_apply_changes_nothing(db: sa.Engine) -> None:
    _run(db, "--map", "gs://old-bucket=mlflow-artifacts:/", "--apply")
    once = _dump(db)
    out = _run(db, "--map", "gs://old-bucket=mlflow-artifacts:/", "--apply")
    assert "rewrote 0 value(s)" in out
    assert _dump(db) == once


def test_prefix_to_gs_destination_and_exact_match(db: sa.Engine) -> None:
    _run(db, "--map", "gs://old-bucket/1=gs://new-bucket/artifacts/seed-1", "--apply")
    after = dict(_dump(db)["experiments"])
    assert after == {
        0: "gs://old-bucket/0",  # outside the mapped prefix
        1: "gs://new-bucket/artifacts/seed-1",
        2: "gs://other/custom",
    }


def test_like_wildcards_in_old_match_literally(db: sa.Engine) -> None:
    with db.begin() as conn:
        conn.exec_driver_sql("INSERT INTO experiments VALUES (7, 'gs://oldXbucket/7')")
    _run(db, "--map", "gs://old_bucket=mlflow-artifacts:/", "--apply")
    assert dict(_dump(db)["experiments"])[7] == "gs://oldXbucket/7"


def _refused(engine: sa.Engine, *argv: str, destination: str | None = DEST) -> str:
    before = _dump(engine)
    env = {URI_ENV: str(engine.url)}
    if destination:
        env[DESTINATION_ENV] = destination
    with pytest.raises(Refused) as err:
        run(list(argv), env, io.StringIO())
    assert _dump(engine) == before
    return str(err.value)


def test_too_long_for_the_column_is_refused(db: sa.Engine) -> None:
    long_new = "gs://new-bucket/" + "x" * 150
    message = _refused(db, "--map", f"gs://old-bucket={long_new}", "--apply")
    assert "runs.artifact_uri" in message
    assert "holds at most 200" in message


def test_empty_segment_is_refused(db: sa.Engine) -> None:
    with db.begin() as conn:
        conn.exec_driver_sql("INSERT INTO experiments VALUES (8, 'gs://old-bucket//8')")
    message = _refused(db, "--map", "gs://old-bucket=mlflow-artifacts:/", "--apply")
    assert "'gs://old-bucket//8' has an empty path segment" in message


def test_two_mappings_into_the_same_place_are_refused(db: sa.Engine) -> None:
    # gs://old-bucket/1/... would become mlflow-artifacts:/1/..., where gs://other goes too.
    message = _refused(
        db,
        "--map",
        "gs://old-bucket=mlflow-artifacts:/",
        "--map",
        "gs://other=mlflow-artifacts:/1",
        "--apply",
    )
    assert message.startswith("nothing was changed")
    assert "would land in mlflow-artifacts:/1, where gs://other goes too" in message


def test_nested_destinations_without_a_clash_are_accepted(db: sa.Engine) -> None:
    _run(
        db,
        "--map",
        "gs://old-bucket=mlflow-artifacts:/",
        "--map",
        "gs://other=mlflow-artifacts:/from-other",
        "--apply",
    )
    assert dict(_dump(db)["experiments"])[2] == "mlflow-artifacts:/from-other/custom"


@pytest.mark.parametrize(
    ("maps", "destination", "words"),
    [
        (
            ["gs://bkt=mlflow-artifacts:/", "gs://bkt/x=gs://nnn"],
            DEST,
            "gs://bkt and gs://bkt/x overlap",
        ),
        (["gs://bkt=gs://bkt/new"], DEST, "OLD gs://bkt overlaps the destination gs://bkt/new"),
        (["gs://new-bucket=mlflow-artifacts:/"], DEST, "overlaps the destination " + DEST),
        ([], DEST, "at least one --map"),
        (["gs://bkt=mlflow-artifacts:/"], "s3://elsewhere", "MLFLOW_ARTIFACTS_DESTINATION"),
    ],
)
def test_ambiguous_mappings_are_refused(maps: list[str], destination: str, words: str) -> None:
    with pytest.raises(Refused) as err:
        check_mappings([parse_mapping(m) for m in maps], destination)
    assert words in str(err.value)


def test_segment_boundaries_do_not_overlap() -> None:
    check_mappings(
        [
            parse_mapping("gs://bkt/mlflow=mlflow-artifacts:/"),
            parse_mapping("gs://bkt/mlflow2=gs://nnn"),
        ],
        DEST,
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("gs://old-bucket", "expected OLD=NEW"),
        ("s3://old=mlflow-artifacts:/", "OLD 's3://old' must be gs://BUCKET[/PREFIX]"),
        ("gs://Old=mlflow-artifacts:/", "OLD 'gs://Old' must be"),
        ("gs://old=mlflow-artifacts://host/x", "NEW 'mlflow-artifacts://host/x' must be"),
        ("gs://old=/local/path", "NEW '/local/path' must be"),
    ],
)
def test_bad_mapping_names_the_value_and_the_rule(text: str, words: str) -> None:
    with pytest.raises(Refused) as err:
        parse_mapping(text)
    assert words in str(err.value)


def test_trailing_slashes_are_normalized() -> None:
    m = parse_mapping("gs://old-bucket/mlflow/=gs://new-bucket/artifacts/")
    assert (m.old, m.new) == ("gs://old-bucket/mlflow", "gs://new-bucket/artifacts")
    assert parse_mapping("gs://old-bucket=mlflow-artifacts:/").new == "mlflow-artifacts:/"


def test_without_the_database_uri_it_says_how_to_run_it() -> None:
    with pytest.raises(Refused, match="mlflow-entrypoint rewrite-artifact-uris"):
        run(["--map", "gs://old=mlflow-artifacts:/"], {}, io.StringIO())
