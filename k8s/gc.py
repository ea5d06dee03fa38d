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

from cdk8s import App, Chart, JsonPatch
from cdk8s_plus_25 import k8s

from k8s.meta import (
    SERVER_GID,
    SERVER_UID,
    TERMINATION_GRACE_SECONDS,
    resources,
    workload_pod_security_context,
)
from k8s.meta import restricted_security_context as restricted
from k8s.patched import PatchedKubeCronJob
from k8s.platforms import platform_for
from k8s.server import ENTRYPOINT, config_env_from, workload_mounts, workload_volumes
from settings import Settings

GC_CONTAINER = "gc"
# `mlflow gc` writes no artifacts: /tmp holds HOME and MLflow's small temporary files.
GC_TMP_SIZE = "256Mi"
# A missed start (the controller down, the previous run still going) is skipped after this.
STARTING_DEADLINE_SECONDS = 3600
# One retry: gc is idempotent (what it removed is gone; the rest is found again).
BACKOFF_LIMIT = 1


def gc_pod_spec(settings: Settings) -> k8s.PodSpec:
    platform = platform_for(settings)
    w, gc = platform.workload, settings.garbage_collection
    container = k8s.Container(
        name=GC_CONTAINER,
        image=settings.names.image,
        image_pull_policy="IfNotPresent",
        command=ENTRYPOINT,
        args=["gc", f"--older-than={gc.older_than}"],
        env_from=config_env_from(w),
        env=platform.server_env() or None,
        resources=resources(gc.resources),
        security_context=restricted(uid=SERVER_UID, gid=SERVER_GID),
        # It deletes the bucket's objects: it sees the pod's Google credentials, as the server.
        volume_mounts=workload_mounts(platform, server=True),
    )
    return k8s.PodSpec(
        service_account_name=w.service_account,  # the server's identity: its grants, no more
        automount_service_account_token=False,
        enable_service_links=False,
        restart_policy="Never",
        security_context=workload_pod_security_context(),
        termination_grace_period_seconds=TERMINATION_GRACE_SECONDS,
        init_containers=[platform.proxy_container()],
        containers=[container],
        volumes=workload_volumes(platform, tmp_size=GC_TMP_SIZE),
    )


def build_gc_chart(app: App, settings: Settings) -> Chart:
    w, gc = platform_for(settings).workload, settings.garbage_collection
    chart = Chart(app, "50-gc", namespace=w.namespace, labels=w.gc_labels)
    cron = PatchedKubeCronJob(
        chart,
        "cronjob",
        metadata=k8s.ObjectMeta(name=w.gc_name),
        spec=k8s.CronJobSpec(
            schedule=gc.schedule,
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
                        spec=gc_pod_spec(settings),
                    ),
                ),
            ),
        ),
    )
    # Neither the native sidecar's `restartPolicy: Always` nor `timeZone` (stable in 1.27)
    # survives the 1.25 schema (k8s/patched.py).
    cron.add_json_patch(
        JsonPatch.add(
            "/spec/jobTemplate/spec/template/spec/initContainers/0/restartPolicy", "Always"
        ),
        JsonPatch.add("/spec/timeZone", gc.time_zone),
    )
    return chart
