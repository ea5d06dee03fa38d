"""The Cloud SQL Auth Proxy v2 as a native sidecar of the server pod."""

from __future__ import annotations

from collections.abc import Sequence

from cdk8s_plus_33 import k8s

from k8s.meta import PROXY_MAX_SIGTERM_DELAY_SECONDS, resources, restricted_security_context
from settings.contract import PROXY_ADDRESS, PROXY_HEALTH_PORT, PROXY_PORT, PROXY_UID
from settings.workload import ContainerResources, Resources

NAME = "cloud-sql-proxy"


def proxy_args(
    *,
    connection_name: str,
    address_flags: Sequence[str] = ("--private-ip",),
    auth_flags: Sequence[str] = (),
    credentials_file: str | None = None,
) -> list[str]:
    args = [
        connection_name,
        f"--address={PROXY_ADDRESS}",
        f"--port={PROXY_PORT}",
        # JSON logs: Cloud Logging parses severity and fields.
        "--structured-logs",
        # /startup, /liveness, /readiness for the kubelet's probes (pod IP, hence 0.0.0.0;
        # the NetworkPolicy admits only the server port from other pods).
        "--health-check",
        "--http-address=0.0.0.0",
        f"--http-port={PROXY_HEALTH_PORT}",
        # Exit 0 on SIGTERM (a clean pod shutdown is not a failure), after open connections
        # close or this delay passes, whichever is first.
        "--exit-zero-on-sigterm",
        f"--max-sigterm-delay={PROXY_MAX_SIGTERM_DELAY_SECONDS}s",
    ]
    args += [*address_flags, *auth_flags]
    if credentials_file:
        args.append(f"--credentials-file={credentials_file}")
    return args


def _probe(path: str, *, period: int, failures: int, timeout: int) -> k8s.Probe:
    return k8s.Probe(
        http_get=k8s.HttpGetAction(path=path, port=k8s.IntOrString.from_number(PROXY_HEALTH_PORT)),
        period_seconds=period,
        failure_threshold=failures,
        timeout_seconds=timeout,
    )


def proxy_container(
    *,
    connection_name: str,
    image: str,
    address_flags: Sequence[str] = ("--private-ip",),
    auth_flags: Sequence[str] = (),
    credentials_file: str | None = None,
    credentials_mount: k8s.VolumeMount | None = None,
    sizes: ContainerResources | None = None,
) -> k8s.Container:
    """The proxy's container, for initContainers[0] with `restartPolicy: Always` (a native
    sidecar: started, and /startup passed, before the migration runs; stopped only after the
    server container has exited).

    connection_name: the instance's `project:region:instance`.
    image: the pinned proxy v2 image.
    address_flags: which of the instance's addresses to connect to (the database
      connectivity's). Default: `--private-ip`, a cluster in the instance's VPC; none for the
      public IP, which only a cluster outside the VPC should use.
    auth_flags: how to log in (the database authentication's). Default: none, a password.
    credentials_file: a key or an external_account credential configuration, inside
      `credentials_mount`. Default: none, the pod's Workload Identity.
    credentials_mount: the volume mount that holds credentials_file. Required with it.
    sizes: requests and limits. Default: settings' default for the proxy.
    """
    mounts: list[k8s.VolumeMount] | None = None
    if credentials_file:
        folder = credentials_mount.mount_path.rstrip("/") + "/" if credentials_mount else None
        if credentials_mount is None or folder is None or not credentials_file.startswith(folder):
            raise ValueError(
                f"credentials_file {credentials_file!r} must be inside credentials_mount "
                f"({folder or 'none given'})"
            )
        mounts = [credentials_mount]
    return k8s.Container(
        name=NAME,
        image=image,
        image_pull_policy="IfNotPresent",
        args=proxy_args(
            connection_name=connection_name,
            address_flags=address_flags,
            auth_flags=auth_flags,
            credentials_file=credentials_file,
        ),
        ports=[k8s.ContainerPort(name="proxy-health", container_port=PROXY_HEALTH_PORT)],
        # Upstream's recommendation (examples/k8s-health-check): startup 1 s x 60, liveness
        # 10 s x 3. /startup turns 200 once the proxy has connected to the instance's API.
        startup_probe=_probe("/startup", period=1, failures=60, timeout=5),
        liveness_probe=_probe("/liveness", period=10, failures=3, timeout=10),
        resources=resources(sizes or Resources.model_validate({}).proxy),
        security_context=restricted_security_context(uid=PROXY_UID, gid=PROXY_UID),
        volume_mounts=mounts,
        # A native sidecar (Kubernetes 1.29+, stable in 1.33): restarted on its own, started
        # before the later init containers, stopped after the main containers.
        restart_policy="Always",
    )
