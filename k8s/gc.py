"""Chart `50-gc`: a CronJob that runs `mlflow gc` with the server's identity.

Runs, experiments and logged models that users deleted (MLflow only marks them) are removed
for good once they have been deleted for `garbage_collection.older_than`: their rows, and their
artifacts in the bucket. The pod is the server's, minus the server: the Cloud SQL Auth Proxy as
a native sidecar (initContainers[0], `restartPolicy: Always`), then the `gc` container, which
runs `mlflow-entrypoint gc` (the image's entry point builds the backend URI from the password
file; no URI in argv or in the manifest). When `gc` exits, the kubelet stops the sidecar
(SIGTERM; the proxy exits 0 on it), so the Job completes: "the sidecar container in each Pod
does not prevent the Job from completing after the main container has finished"
(https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/#jobs-with-sidecar-containers).
"""

from __future__ import annotations

from cdk8s import Chart
from cdk8s_plus_33 import k8s
from constructs import Construct

from k8s.pod import WorkloadPod
from settings import contract
from settings.garbage_collection import GarbageCollectionSettings

GC_CONTAINER = "gc"
# `mlflow gc` writes no artifacts: /tmp holds HOME and MLflow's small temporary files.
GC_TMP_SIZE = "256Mi"
# A missed start (the controller down, the previous run still going) is skipped after this.
STARTING_DEADLINE_SECONDS = 3600
# One retry: gc is idempotent (what it removed is gone; the rest is found again).
BACKOFF_LIMIT = 1


def gc_pod_spec(pod: WorkloadPod, gc: GarbageCollectionSettings) -> k8s.PodSpec:
    """The server's pod, minus the server: the proxy, then `gc`, never restarted in place."""
    container = pod.container(
        GC_CONTAINER,
        args=[contract.GC_COMMAND, f"--older-than={gc.older_than}"],
        sizes=gc.resources,
        # It deletes the bucket's objects: it sees the pod's Google credentials, as the server.
        google_access=True,
    )
    # The server's identity (its service account): its grants, no more.
    return pod.spec(containers=[container], tmp_size=GC_TMP_SIZE, restart_policy="Never")


class GcChart(Chart):
    """The CronJob that runs `mlflow gc`.

    Options (all required):
      pod: the shared pod builder (k8s/pod.py).
      gc: the `garbage_collection` settings (schedule, time zone, age, history, resources).
    """

    def __init__(
        self, scope: Construct, id: str, *, pod: WorkloadPod, gc: GarbageCollectionSettings
    ) -> None:
        w = pod.workload
        super().__init__(scope, id, namespace=w.namespace, labels=w.gc_labels)
        k8s.KubeCronJob(
            self,
            "cronjob",
            metadata=k8s.ObjectMeta(name=w.gc_name),
            spec=k8s.CronJobSpec(
                schedule=gc.schedule,
                # An IANA zone name (stable in Kubernetes 1.27); the schedule is read in it.
                time_zone=gc.time_zone,
                # Never two at once: a long run is not joined by the next one.
                concurrency_policy="Forbid",
                starting_deadline_seconds=STARTING_DEADLINE_SECONDS,
                successful_jobs_history_limit=gc.successful_jobs_history,
                failed_jobs_history_limit=gc.failed_jobs_history,
                # Suspended, it still runs by hand: kubectl create job --from=cronjob/<name>.
                suspend=not gc.enabled,
                job_template=k8s.JobTemplateSpec(
                    metadata=k8s.ObjectMeta(labels=w.gc_labels),
                    spec=k8s.JobSpec(
                        active_deadline_seconds=gc.deadline_seconds,
                        backoff_limit=BACKOFF_LIMIT,
                        template=k8s.PodTemplateSpec(
                            metadata=k8s.ObjectMeta(labels=w.gc_labels),
                            spec=gc_pod_spec(pod, gc),
                        ),
                    ),
                ),
            ),
        )
