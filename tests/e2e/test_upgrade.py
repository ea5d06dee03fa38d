"""`make upgrade` from MLflow 3.17.2 to the image's MLflow under continuous writes
(tests/support/upgrade_run.py says which cluster steps are simulated, and how).

Four MLflow clients (MlflowClient, default retries) write params and metrics to runs before,
during and after the upgrade; the Job's first attempt is SIGKILLed half-way through the schema
change and run again. Afterwards every acknowledged write is in PostgreSQL, every run reads back
through the new servers, and the write-unavailability window is measured. On both logins: the
password (`database.auth: password`) and the default, IAM, on an instance that `make apply`'s
bootstrap prepared (the Job run once while the login holds cloudsqlsuperuser).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from psycopg import sql

from ops.upgrade import image_heads
from settings import REPO_ROOT, Settings, parse_settings
from tests.support.gcs import GcsEmulator
from tests.support.google_standin import GoogleStandIn
from tests.support.manifests import Manifests
from tests.support.net import free_port, wait_for
from tests.support.pod import IMAGE_BIN
from tests.support.postgres import PostgresServer
from tests.support.upgrade_run import (
    OLD_IMAGE_BIN,
    OLD_MLFLOW,
    Fleet,
    Timeline,
    Writer,
    old_heads,
    upgrade,
    window,
)

pytestmark = pytest.mark.e2e

WRITERS = 4


def _iam_settings(settings: Settings) -> Settings:
    """The e2e fixture on the default login, database.auth iam."""
    raw = yaml.safe_load((REPO_ROOT / "tests" / "configs" / "e2e.yaml").read_text())
    raw["database"]["auth"] = "iam"
    return parse_settings(yaml.safe_dump(raw), env=settings.environment, source="e2e.yaml")


def _iam_instance(pg: PostgresServer, settings: Settings) -> None:
    """What Cloud SQL and Terraform make of a new instance in IAM mode, stood in as in
    tests/e2e/test_iam_login.py: the proxy's IAM login is a pg_hba `trust` line for the IAM
    user, cloudsqlsuperuser owns the database, no built-in user."""
    names = settings.names
    hba = pg.data / "pg_hba.conf"
    hba.write_text(f'host all "{names.db_iam_user}" 127.0.0.1/32 trust\n' + hba.read_text())
    pg.start()
    with pg.connect() as conn:
        conn.execute("CREATE ROLE cloudsqlsuperuser NOLOGIN CREATEROLE CREATEDB")
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(names.db_iam_user)))
        conn.execute(
            sql.SQL("CREATE DATABASE {} OWNER cloudsqlsuperuser").format(
                sql.Identifier(names.database)
            )
        )


def _bootstrap(fleet: Fleet) -> None:
    """make apply's bootstrap (ops/db_bootstrap.py): cloudsqlsuperuser lent (`assign-roles`
    stands in as GRANT/REVOKE), the db-migrate Job once, the role taken back."""
    user = sql.Identifier(fleet.settings.names.db_iam_user)
    with fleet.pg.connect() as conn:
        conn.execute(sql.SQL("GRANT cloudsqlsuperuser TO {}").format(user))
    job = fleet.start_job(OLD_IMAGE_BIN)
    out = job.communicate(timeout=600)[0]
    with fleet.pg.connect() as conn:
        conn.execute(sql.SQL("REVOKE cloudsqlsuperuser FROM {}").format(user))
    assert job.returncode == 0, out[-4000:]
    assert "bootstrap: creating the owner role" in out, out[-4000:]


@pytest.fixture(params=["password", "iam"])
def fleet(
    request: pytest.FixtureRequest,
    e2e_settings: Settings,
    manifests_dir: Path,
    google: GoogleStandIn,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Fleet]:
    """The e2e fixture's pods on both logins: `auth: password`, and the default, iam."""
    iam = request.param == "iam"
    settings = _iam_settings(e2e_settings) if iam else e2e_settings
    if iam:
        from k8s.app import synth

        manifests_dir = tmp_path_factory.mktemp("e2e-iam-dist")
        synth(settings, outdir=manifests_dir)
    names = settings.names
    pg = PostgresServer(port=free_port())
    gcs = GcsEmulator(project=names.project_id)
    fleet = None
    try:
        pg.init()
        password: str | None = None
        if iam:
            _iam_instance(pg, settings)
        else:
            pg.start()
            password = "upgrade-e2e-pw"  # pragma: allowlist secret
            pg.create_database(name=names.database, user=names.db_user, password=password)
        gcs.start()
        gcs.create_bucket(names.bucket)
        fleet = Fleet(
            settings=settings,
            manifests=Manifests.load(manifests_dir),
            pg=pg,
            extra_env={
                "STORAGE_EMULATOR_HOST": gcs.url,
                "IAP_KEYS_URL": google.keys_url,
                "GCE_METADATA_HOST": google.metadata_host,
                "IAP_COMPUTE_URL": google.compute_url,
            },
            manifests_dir=manifests_dir,
            password=password,
        )
        if iam:
            _bootstrap(fleet)
        yield fleet
    finally:
        if fleet is not None:
            fleet.cleanup()
        gcs.cleanup()
        pg.cleanup()


def test_upgrade_under_writes_loses_nothing(fleet: Fleet, tmp_path: Path) -> None:
    from mlflow import MlflowClient

    new = image_heads(fleet.settings)
    assert new is not None
    assert new.tracking != old_heads(), "make upgrade takes its safe path"
    fleet.scale_up(OLD_IMAGE_BIN)
    with fleet.routing():
        client = MlflowClient(tracking_uri=fleet.tracking_uri)
        assert client.get_experiment("0") is not None
        assert fleet.revision() == old_heads(), f"the old pods run MLflow {OLD_MLFLOW}"
        experiment = client.create_experiment("upgrade-under-writes")
        writers = [Writer(fleet.tracking_uri, experiment, n) for n in range(WRITERS)]
        timeline = Timeline()
        try:
            for w in writers:
                w.start()
            time.sleep(3)
            upgrade(fleet, IMAGE_BIN, tmp_path, kill_first=True, timeline=timeline)
            # Until every client wrote through the new servers (its retries' backoff first).
            ready = timeline.marks["ready"]
            wait_for(
                lambda: all(w.acks and w.acks[-1].at > ready for w in writers),
                timeout=150,
                what="every client to write after the upgrade",
            )
        finally:
            for w in writers:
                w.halt.set()
            for w in writers:
                w.join(timeout=300)
        assert not any(w.is_alive() for w in writers)

        # The killed attempt left the old schema (one transaction for all three migrations);
        # the second ran to the image's head.
        assert timeline.notes["revision after kill"] == old_heads(), timeline.notes
        assert fleet.revision() == new.tracking
        assert timeline.notes["skills table after kill"] == "None", "first migration not undone"

        acks = [a for w in writers for a in w.acks]
        runs = [r for w in writers for r in w.runs]
        stopped = timeline.marks["stopped"]
        before, after, gap = window(acks, stopped)
        assert any(a.at < timeline.marks["backup start"] for a in acks), "no writes before"
        assert after >= timeline.marks["ready"] - 1, "a write acknowledged with no server up"
        in_db = {
            (r, k, float(v), int(s))
            for r, k, v, s in fleet.pg.query(
                fleet.settings.names.database, "SELECT run_uuid, key, value, step FROM metrics"
            )
        }
        params = set(
            fleet.pg.query(fleet.settings.names.database, "SELECT run_uuid, key, value FROM params")
        )
        lost = [
            a
            for a in acks
            if (a.kind == "metric" and (a.run_id, a.key, float(a.value), a.step) not in in_db)
            or (a.kind == "param" and (a.run_id, a.key, a.value) not in params)
        ]
        assert not lost, lost[:10]
        for run_id in runs:
            run = client.get_run(run_id)
            mine = [a for a in acks if a.run_id == run_id]
            assert {
                a.key: a.value for a in mine if a.kind == "param"
            }.items() <= run.data.params.items()
            steps = {m.step for m in client.get_metric_history(run_id, "m")}
            assert {a.step for a in mine if a.kind == "metric"} <= steps
        after_start = [a for a in acks if a.at > timeline.marks["ready"]]
        assert len(after_start) >= WRITERS, "writes went on after the upgrade"
        print(
            f"\nupgrade {OLD_MLFLOW} -> {new.tracking}: {len(acks)} acknowledged writes, "
            f"{len(runs)} runs, {sum(len(w.errors) for w in writers)} unacknowledged; "
            f"window {gap:.1f} s (servers down {timeline.span('stop start', 'ready'):.1f} s), "
            f"upgrade {timeline.span('backup start', 'ready'):.1f} s, "
            f"backup {timeline.notes['backup']}\n"
            + " ".join(f"{k} +{v - before:.1f}" for k, v in timeline.marks.items())
        )
