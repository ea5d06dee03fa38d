"""`make upgrade`: roll out a new server image without two schema versions writing at once.

    python -m ops.upgrade [--kubectl "kubectl --context X"]

MLflow requires every writer stopped (and a backup) before `mlflow db upgrade`, and does not
support mixed-version rolling upgrades. So:

1. Compare the new image's schema heads (the alembic heads of the MLflow that
   settings/versions.py pins, computed offline from this .venv's mlflow package, which
   mlflow_server/requirements.txt pins to the same version) with the database's current
   revisions (a read-only query run by `kubectl exec` in a running server container: its
   proxy, password file and image; no new image needed).
2. Equal: a normal rolling update (`kubectl apply -f <manifests>`, `kubectl rollout status`).
3. Different, or unknown (no server pod to ask, or server.image names an image whose MLflow
   this project does not know): an on-demand Cloud SQL backup, waited for; the writers stopped
   (the garbage-collection CronJob suspended and its running Jobs deleted, the Deployment
   scaled to zero and waited until no pod is left); the migration run once as a Job
   (<manifests>/upgrade-job/db-migrate.k8s.yaml, k8s/migrate_job.py: its own native-sidecar
   proxy, the server's service account, the auth database migrated too); then the new
   manifests applied, the Deployment scaled back and its rollout waited for.

Writers stop by scaling to zero, not by a maintenance mode: the pods that write are the *old*
image's, which has no such mode, and a Deployment at zero shows in `kubectl get` that no
process of the old version holds a connection. Clients see the edge's 502/503 (or a refused
connection through a port-forward) for the window, which MLflow's client retries with backoff
(MLFLOW_HTTP_REQUEST_MAX_RETRIES, default 7, backoff factor 2: about two minutes).

A failed migration stops here with the backup's id and the rollback steps (docs/upgrade.md).
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ops.cli import run
from settings import Settings, load_settings
from settings.errors import ConfigError
from settings.load import manifests_dir
from settings.names import Names
from settings.paths import REPO_ROOT, UPGRADE_SUBDIR
from settings.versions import MLFLOW_VERSION

SERVER_CONTAINER = "mlflow"
MIGRATE_CONTAINER = "db-migrate"
MIGRATE_CHART_FILE = "db-migrate.k8s.yaml"
# How long each wait may take before the upgrade stops (kubectl's --timeout format).
POD_GONE_TIMEOUT = "10m"
ROLLOUT_TIMEOUT = "15m"
JOB_POLL_SECONDS = 5.0
# The Job's own activeDeadlineSeconds (k8s/migrate_job.py) is 3600: wait a little longer.
JOB_WAIT_SECONDS = 3700.0
# Cloud SQL backups can take long on a large instance; `operations wait` gives up after this.
BACKUP_WAIT_SECONDS = 3600

# Run in the *running* (old) image's server container, which has the proxy, the password file
# and mlflow_entrypoint's backend URI: a read-only transaction reading the two alembic tables.
CURRENT_REVISIONS = """
import json, os, sqlalchemy
from mlflow_entrypoint.backend import backend_uri
from mlflow_entrypoint.contract import AUTH_DB_NAME_ENV
def rev(uri, table):
    engine = sqlalchemy.create_engine(uri)
    try:
        with engine.connect() as c:
            c.exec_driver_sql("SET TRANSACTION READ ONLY")
            return c.exec_driver_sql(f"SELECT version_num FROM {table}").scalar()
    finally:
        engine.dispose()
auth = os.environ.get(AUTH_DB_NAME_ENV)
print(json.dumps({
    "tracking": rev(backend_uri(os.environ), "alembic_version"),
    "auth": rev(backend_uri(os.environ, database=auth), "alembic_version_auth") if auth else None,
}))
"""


class UpgradeError(Exception):
    """A step failed: the message says what, and what to do."""


@dataclass(frozen=True)
class Heads:
    tracking: str | None
    auth: str | None


def image_heads(settings: Settings) -> Heads | None:
    """The schema heads of the image the manifests run; None when the project cannot know them
    (server.image: a team's own image)."""
    if settings.server.image:
        return None
    import mlflow
    from alembic.script import ScriptDirectory

    if mlflow.__version__ != MLFLOW_VERSION:
        raise ConfigError(
            f"this .venv has mlflow {mlflow.__version__}, the image pins {MLFLOW_VERSION}: "
            "run make install-test"
        )
    root = Path(mlflow.__file__).parent
    tracking = ScriptDirectory(str(root / "store" / "db_migrations")).get_current_head()
    auth = ScriptDirectory(str(root / "server" / "auth" / "db" / "migrations")).get_current_head()
    return Heads(tracking=tracking, auth=auth if settings.auth.enabled else None)


Runner = Callable[[Sequence[str]], str]


def shell_runner(argv: Sequence[str]) -> str:
    """Run one command, echoed as make echoes its own; its stdout is returned."""
    print(f"+ {shlex.join(argv)}", flush=True)
    proc = subprocess.run(list(argv), stdout=subprocess.PIPE, text=True, check=False)
    if proc.returncode != 0:
        raise UpgradeError(f"`{shlex.join(argv)}` exited {proc.returncode}")
    return proc.stdout


@dataclass(frozen=True)
class Upgrade:
    settings: Settings
    kubectl: tuple[str, ...]
    run: Runner
    sleep: Callable[[float], None] = time.sleep

    @property
    def names(self) -> Names:
        return self.settings.names

    def k(self, *args: str) -> list[str]:
        return [*self.kubectl, "-n", self.names.namespace, *args]

    @property
    def outdir(self) -> str:
        return str(manifests_dir(self.settings).relative_to(REPO_ROOT))

    @property
    def deployment(self) -> str:
        return f"deployment/{self.names.service}"

    @property
    def job(self) -> str:
        return f"{self.names.service}-db-migrate"

    @property
    def server_selector(self) -> str:
        return (
            f"app.kubernetes.io/instance={self.names.base},"
            "app.kubernetes.io/component=tracking-server"
        )

    @property
    def gc_selector(self) -> str:
        return (
            f"app.kubernetes.io/instance={self.names.base},"
            "app.kubernetes.io/component=garbage-collection"
        )

    def gcloud(self, *args: str) -> list[str]:
        return ["gcloud", *args, f"--project={self.names.project_id}"]

    # -- what is running ------------------------------------------------------------------
    def current(self) -> tuple[str, int]:
        """The running Deployment's server image and replica count."""
        out = self.run(
            self.k(
                "get",
                self.deployment,
                "-o",
                "jsonpath={.spec.template.spec.containers[0].image} {.spec.replicas}",
            )
        ).split()
        if len(out) != 2 or not out[1].isdigit():
            raise UpgradeError(f"cannot read {self.deployment}'s image and replicas: {out}")
        return out[0], int(out[1])

    def database_heads(self, replicas: int) -> Heads | None:
        if replicas == 0:
            return None  # no server pod to ask: the safe path
        out = self.run(
            self.k(
                "exec",
                self.deployment,
                "-c",
                SERVER_CONTAINER,
                "--",
                "python",
                "-P",
                "-c",
                CURRENT_REVISIONS,
            )
        )
        try:
            found = json.loads(out.strip().splitlines()[-1])
            return Heads(tracking=found["tracking"], auth=found["auth"])
        except (IndexError, KeyError, TypeError, ValueError):
            raise UpgradeError(f"cannot read the database's revisions from: {out!r}") from None

    # -- the steps --------------------------------------------------------------------------
    def rolling_update(self) -> None:
        self.run([*self.kubectl, "apply", "-f", self.outdir])
        self.run(self.k("rollout", "status", self.deployment, f"--timeout={ROLLOUT_TIMEOUT}"))

    def backup(self) -> str:
        """An on-demand backup, waited for; returns its id."""
        # https://cloud.google.com/sdk/gcloud/reference/sql/backups/create (--async: the
        # operation is returned at once)
        operation = self.run(
            self.gcloud(
                "sql",
                "backups",
                "create",
                f"--instance={self.names.sql_instance}",
                f"--description=make upgrade to {self.names.image}",
                "--async",
                "--format=value(name)",
            )
        ).strip()
        # https://cloud.google.com/sdk/gcloud/reference/sql/operations/wait; the finished
        # operation names its backup in backupContext.backupId:
        # https://cloud.google.com/sql/docs/postgres/admin-api/rest/v1/operations
        self.run(
            self.gcloud("sql", "operations", "wait", operation, f"--timeout={BACKUP_WAIT_SECONDS}")
        )
        backup_id = self.run(
            self.gcloud(
                "sql",
                "operations",
                "describe",
                operation,
                "--format=value(backupContext.backupId)",
            )
        ).strip()
        if not backup_id:
            raise UpgradeError(f"backup operation {operation} finished without a backup id")
        return backup_id

    def stop_writers(self) -> None:
        # gc deletes rows: suspended (make apply restores the manifest's value), its runs gone.
        suspend = '{"spec":{"suspend":true}}'
        self.run(self.k("patch", f"cronjob/{self.names.service}-gc", "-p", suspend))
        self.run(self.k("delete", "jobs", "-l", self.gc_selector, "--ignore-not-found", "--wait"))
        self.run(self.k("scale", self.deployment, "--replicas=0"))
        self.run(
            self.k(
                "wait",
                "--for=delete",
                "pod",
                "-l",
                self.server_selector,
                f"--timeout={POD_GONE_TIMEOUT}",
            )
        )

    def migrate(self) -> None:
        job_file = f"{self.outdir}/{UPGRADE_SUBDIR}/{MIGRATE_CHART_FILE}"
        # The new ConfigMap first (the Job reads its environment from it); no pod runs to read it.
        self.run([*self.kubectl, "apply", "-f", f"{self.outdir}/10-config.k8s.yaml"])
        self.run(self.k("delete", f"job/{self.job}", "--ignore-not-found", "--wait"))
        self.run([*self.kubectl, "apply", "-f", job_file])
        waited = 0.0
        while True:
            succeeded = self.run(
                self.k("get", f"job/{self.job}", "-o", "jsonpath={.status.succeeded}")
            ).strip()
            if succeeded.isdigit() and int(succeeded) > 0:
                return
            if any(c.type == "Failed" for c in self._conditions()):
                logs = self.run(
                    self.k("logs", f"job/{self.job}", "-c", MIGRATE_CONTAINER, "--tail=40")
                )
                raise UpgradeError(f"the migration Job failed; its last log lines:\n{logs}")
            if waited >= JOB_WAIT_SECONDS:
                raise UpgradeError(f"the migration Job did not finish in {JOB_WAIT_SECONDS:.0f}s")
            self.sleep(JOB_POLL_SECONDS)
            waited += JOB_POLL_SECONDS

    def _conditions(self) -> list[_Condition]:
        out = self.run(self.k("get", f"job/{self.job}", "-o", "jsonpath={.status.conditions}"))
        return [
            _Condition(c.get("type", ""), c.get("status", ""))
            for c in (json.loads(out) if out.strip() else [])
            if c.get("status") == "True"
        ]

    def roll_out(self, replicas: int) -> None:
        self.run([*self.kubectl, "apply", "-f", self.outdir])
        # With an autoscaler the manifest has no replicas field and the count stays 0, where
        # the HPA does not act: back to the count before the upgrade.
        self.run(self.k("scale", self.deployment, f"--replicas={max(replicas, 1)}"))
        self.run(self.k("rollout", "status", self.deployment, f"--timeout={ROLLOUT_TIMEOUT}"))

    def rollback_steps(self, backup_id: str, old_image: str, replicas: int) -> str:
        n = self.names
        images = (f"{MIGRATE_CONTAINER}={old_image}", f"{SERVER_CONTAINER}={old_image}")
        set_image = shlex.join(self.k("set", "image", self.deployment, *images))
        scale = shlex.join(self.k("scale", self.deployment, f"--replicas={max(replicas, 1)}"))
        return "\n".join(
            [
                f"The database is as the failed migration left it; backup {backup_id} holds it as "
                "it was before. To roll back (docs/upgrade.md):",
                f"  1. gcloud sql backups restore {backup_id} --restore-instance={n.sql_instance} "
                f"--project={n.project_id}",
                f"  2. {set_image}",
                f"  3. {scale}",
                "  4. check out the commit that deployed the previous image, so that dist/ "
                "matches what runs",
            ]
        )

    def __call__(self) -> None:
        new = image_heads(self.settings)
        old_image, replicas = self.current()
        db = self.database_heads(replicas)
        print(f"image {self.names.image}: schema heads {new}", flush=True)
        print(f"database: revisions {db}", flush=True)
        if new is not None and db is not None and new == db:
            print("no schema change: a rolling update", flush=True)
            self.rolling_update()
            return
        print("schema change (or unknown): backup, writers stopped, migration Job", flush=True)
        backup_id = self.backup()
        print(f"backup {backup_id} of {self.names.sql_instance} is SUCCESSFUL", flush=True)
        self.stop_writers()
        try:
            self.migrate()
        except UpgradeError as exc:
            steps = self.rollback_steps(backup_id, old_image, replicas)
            raise UpgradeError(f"{exc}\n{steps}") from None
        self.roll_out(replicas)
        print(f"upgraded to {self.names.image}; backup before it: {backup_id}", flush=True)


@dataclass(frozen=True)
class _Condition:
    type: str
    status: str


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kubectl", default="kubectl", help="kubectl with its --context")
    args = parser.parse_args(argv)
    kubectl = tuple(shlex.split(args.kubectl))
    upgrade = Upgrade(settings=load_settings(), kubectl=kubectl, run=shell_runner)
    try:
        upgrade()
    except UpgradeError as exc:
        print(f"error: make upgrade stopped: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    run(lambda: sys.exit(main()))
