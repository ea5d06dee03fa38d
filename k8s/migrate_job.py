"""Chart `db-migrate` (dist/upgrade-job/, applied only by `make upgrade`): the schema migration
as a Job.

`make upgrade` (ops/upgrade.py) runs it once, after the server's Deployment is scaled to zero,
when the new image's schema head differs from the database's: MLflow's release notes require
every writer stopped before `mlflow db upgrade`. The pod is the server's, minus the server: the
Cloud SQL Auth Proxy as a native sidecar (initContainers[0], `restartPolicy: Always`), then the
`db-migrate` container, which runs the same `mlflow-entrypoint db upgrade` as the Deployment's
init container (the tracking schema, the project's tuning, the auth database, the re-wrap of
stored secrets, under the advisory lock), as the server's service account. When it exits, the
kubelet stops the sidecar and the Job completes
(https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/#jobs-with-sidecar-containers).

Its file is kept out of dist/'s top folder so that `kubectl apply -f dist/` (`make apply`) never
starts a migration while the old pods write.
"""

from __future__ import annotations

from cdk8s import Chart
from cdk8s_plus_33 import k8s
from constructs import Construct

from k8s.pod import WorkloadPod
from k8s.server import MIGRATE_CONTAINER, config_checksum
from settings import contract
from settings.server import ServerSettings

# Alembic runs each MLflow migration in a transaction on PostgreSQL: a pod killed half-way
# leaves the previous revision, and the retry starts from there. Two retries cover a node lost
# under the pod; a migration that fails on its own fails the same way three times.
BACKOFF_LIMIT = 2
# MLflow's migrations rewrite tables (3.18's trace analytics backfill reads every span): a large
# database takes minutes. The Job is failed after this, and `make upgrade` stops.
DEADLINE_SECONDS = 3600
# MLflow's own temporary files only: no artifact passes through.
MIGRATE_TMP_SIZE = "256Mi"


class MigrateJobChart(Chart):
    """The Job that migrates the schema once, with the server's identity.

    Options (all required):
      pod: the shared pod builder (k8s/pod.py): image, proxy, service account, secret files.
      server: the `server` settings (the migration's resources).
      config: the ConfigMap's data (its hash is on the pod, as on the server's).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        pod: WorkloadPod,
        server: ServerSettings,
        config: dict[str, str],
    ) -> None:
        w = pod.workload
        super().__init__(scope, id, namespace=w.namespace, labels=w.migrate_labels)
        migrate = pod.container(
            MIGRATE_CONTAINER,
            args=contract.DB_UPGRADE,
            sizes=server.resources.migrate,
            google_access=False,  # it reads and writes the database only
        )
        k8s.KubeJob(
            self,
            "job",
            metadata=k8s.ObjectMeta(name=w.migrate_name),
            spec=k8s.JobSpec(
                backoff_limit=BACKOFF_LIMIT,
                active_deadline_seconds=DEADLINE_SECONDS,
                template=k8s.PodTemplateSpec(
                    metadata=k8s.ObjectMeta(
                        labels=w.migrate_labels,
                        annotations={"checksum/config": config_checksum(config)},
                    ),
                    spec=pod.spec(
                        containers=[migrate], tmp_size=MIGRATE_TMP_SIZE, restart_policy="Never"
                    ),
                ),
            ),
        )
