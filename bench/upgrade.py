"""The upgrade's cost: `make upgrade` from MLflow 3.17.2 to the image's MLflow, under writes.

    .venv/bin/python -m bench.upgrade [--runs 2000] [--writers 4]

The e2e harness's procedure (tests/support/upgrade_run.py: dist/'s pods as processes, 3.17.2 in
.venv-mlflow-3.17.2, PostgreSQL 18 for Cloud SQL, pg_dump for the on-demand backup, the server
processes stopped for the scale to zero, the Job's `db-migrate` run once, the new pods started),
twice in one run: on a database with just the clients' runs, then with --runs runs COPYed in
first by bench/scale_fill.py (MLflow's shape: 5 params, 5 tags and 3 metrics per run, one with
a 10-step history). Figures, all from the same run: the write-unavailability window as the
clients saw it (last acknowledged write before the old pods were gone to the first after; MLflow's
client with its default retries: 7, backoff factor 2), how long no server ran, the migration
Job, the backup, the whole upgrade (backup start to every new pod ready), and the database size.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from bench.scale_fill import fill
from bench.subject import backing_services, create_database, subject_settings, synthesized
from ops.upgrade import image_heads
from settings import Settings
from tests.support import pg18
from tests.support.google_standin import GoogleStandIn, google_standin
from tests.support.manifests import Manifests
from tests.support.net import wait_for
from tests.support.pod import IMAGE_BIN
from tests.support.upgrade_run import (
    OLD_IMAGE_BIN,
    OLD_MLFLOW,
    Fleet,
    Timeline,
    Writer,
    upgrade,
    window,
)


def one(
    settings: Settings, folder: Path, google: GoogleStandIn, runs: int, writers: int
) -> dict[str, float]:
    with backing_services(settings) as (pg, gcs), tempfile.TemporaryDirectory() as scratch:
        password = create_database(pg, settings)
        fleet = Fleet(
            settings=settings,
            manifests=Manifests.load(folder),
            pg=pg,
            extra_env={
                "STORAGE_EMULATOR_HOST": gcs.url,
                "IAP_KEYS_URL": google.keys_url,
                "GCE_METADATA_HOST": google.metadata_host,
                "IAP_COMPUTE_URL": google.compute_url,
            },
            manifests_dir=folder,
            password=password,
        )
        try:
            fleet.scale_up(OLD_IMAGE_BIN)
            if runs:
                fill(pg, settings.names.database, runs)
            ((size,),) = pg.query(
                "postgres", "SELECT pg_database_size(%s)", settings.names.database
            )
            with fleet.routing():
                from mlflow import MlflowClient

                experiment = MlflowClient(tracking_uri=fleet.tracking_uri).create_experiment(
                    f"bench-upgrade-{runs}"
                )
                clients = [Writer(fleet.tracking_uri, experiment, n) for n in range(writers)]
                timeline = Timeline()
                for w in clients:
                    w.start()
                time.sleep(3)
                upgrade(fleet, IMAGE_BIN, Path(scratch), kill_first=False, timeline=timeline)
                ready = timeline.marks["ready"]
                wait_for(
                    lambda: all(w.acks and w.acks[-1].at > ready for w in clients),
                    timeout=300,
                    what="every client to write after the upgrade",
                )
                for w in clients:
                    w.halt.set()
                for w in clients:
                    w.join(timeout=300)
            acks = [a for w in clients for a in w.acks]
            _, _, gap = window(acks, timeline.marks["stopped"])
            return {
                "database MiB": size / 2**20,
                "backup MiB": int(timeline.notes["backup"].split()[0]) / 2**20,
                "window s": gap,
                "no server s": timeline.span("stop start", "ready"),
                "backup s": timeline.span("backup start", "stop start"),
                "migration Job s": timeline.span("job start", "job done"),
                "rollout s": timeline.span("job done", "ready"),
                "upgrade s": timeline.span("backup start", "ready"),
                "acked writes": float(len(acks)),
                "unacked writes": float(sum(len(w.errors) for w in clients)),
            }
        finally:
            fleet.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--writers", type=int, default=4)
    args = parser.parse_args()
    settings = subject_settings()
    heads = image_heads(settings)
    with synthesized(settings) as folder, google_standin() as google:
        small = one(settings, folder, google, 0, args.writers)
        large = one(settings, folder, google, args.runs, args.writers)
    print(
        f"\nupgrade MLflow {OLD_MLFLOW} -> {heads and heads.tracking} (tracking head), "
        f"{os.cpu_count()} CPUs, PostgreSQL {pg18.MAJOR}, {args.writers} clients writing"
    )
    print(f"{'':<18}{'clients only':>14}{f'+{args.runs:,} runs':>16}{'ratio':>9}")
    for key in small:
        ratio = large[key] / small[key] if small[key] else float("nan")
        print(f"{key:<18}{small[key]:>14.1f}{large[key]:>16.1f}{ratio:>8.2f}x")


if __name__ == "__main__":
    main()
