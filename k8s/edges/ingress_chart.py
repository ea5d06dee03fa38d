"""Chart `30-ingress` (GKE only): HTTPS on the reserved global IP, a managed certificate, IAP.

GKE's Ingress controller builds an external Application Load Balancer from these objects:
the Ingress (host rule, static IP, certificate), a FrontendConfig (HTTP->HTTPS redirect, TLS
policy), and the BackendConfig that the Service names (health check, timeout, IAP, logging).
"""

from __future__ import annotations

from cdk8s import Chart
from cdk8s_plus_33 import k8s
from constructs import Construct

from imports.backendconfig.com.google.cloud import (
    BackendConfig,
    BackendConfigSpec,
    BackendConfigSpecConnectionDraining,
    BackendConfigSpecHealthCheck,
    BackendConfigSpecHealthCheckType,
    BackendConfigSpecIap,
    BackendConfigSpecIapOauthclientCredentials,
    BackendConfigSpecLogging,
    BackendConfigSpecSecurityPolicy,
)
from imports.frontendconfig.io.gke.networking import (
    FrontendConfig,
    FrontendConfigSpec,
    FrontendConfigSpecRedirectToHttps,
)
from imports.managedcertificate.io.gke.networking import (
    ManagedCertificate,
    ManagedCertificateSpec,
)
from k8s.edges import health
from k8s.meta import HTTP_PORT_NAME, LB_DRAINING_SECONDS, Workload
from settings.contract import HEALTH_PATH


class IngressChart(Chart):
    """The Ingress, its FrontendConfig, the BackendConfig the Service names, the certificate.

    Options:
      workload: the server's names and labels (every object is named after its Service).
        Required.
      host: the only host rule; any other Host gets the load balancer's 404. Required.
      static_ip: the reserved global address's name (infra/edge.py). Required.
      ssl_policy: the SSL policy's name (TLS 1.2+, infra/edge.py). Required.
      backend_port: the port the health check probes on the pods. Required.
      backend_timeout_seconds: the longest request (a large artifact through the server).
        Default: 600.
      oauth_secret: the Secret with a custom OAuth client for IAP (`make secrets` fills it).
        Default: None, Google's managed client.
      security_policy: the Cloud Armor policy's name (infra/edge_protection.py). Default:
        None, no policy.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        workload: Workload,
        host: str,
        static_ip: str,
        ssl_policy: str,
        backend_port: int,
        backend_timeout_seconds: int = 600,
        oauth_secret: str | None = None,
        security_policy: str | None = None,
    ) -> None:
        w = workload
        super().__init__(scope, id, namespace=w.namespace, labels=w.labels)
        self._backend_config(
            w,
            port=backend_port,
            timeout=backend_timeout_seconds,
            oauth_secret=oauth_secret,
            security_policy=security_policy,
        )
        self._frontend(w, host=host, static_ip=static_ip, ssl_policy=ssl_policy)

    def _backend_config(
        self,
        w: Workload,
        *,
        port: int,
        timeout: int,
        oauth_secret: str | None,
        security_policy: str | None,
    ) -> None:
        BackendConfig(
            self,
            "backend-config",
            metadata={"name": w.name},
            spec=BackendConfigSpec(
                # The LB's default is 30 s: too short for a large artifact streamed via the server.
                timeout_sec=timeout,
                connection_draining=BackendConfigSpecConnectionDraining(
                    draining_timeout_sec=LB_DRAINING_SECONDS
                ),
                # Without this the LB probes `/` (the UI), not MLflow's cheap health endpoint.
                health_check=BackendConfigSpecHealthCheck(
                    type=BackendConfigSpecHealthCheckType.HTTP,
                    request_path=HEALTH_PATH,
                    port=port,
                    check_interval_sec=health.CHECK_INTERVAL_SECONDS,
                    timeout_sec=health.CHECK_TIMEOUT_SECONDS,
                    healthy_threshold=health.HEALTHY_THRESHOLD,
                    unhealthy_threshold=health.UNHEALTHY_THRESHOLD,
                ),
                # Google's managed OAuth client by default (no oauthclientCredentials); a
                # custom one from a Secret that `make secrets` fills from Secret Manager, never
                # from dist/.
                iap=BackendConfigSpecIap(
                    enabled=True,
                    oauthclient_credentials=(
                        BackendConfigSpecIapOauthclientCredentials(secret_name=oauth_secret)
                        if oauth_secret
                        else None
                    ),
                ),
                logging=BackendConfigSpecLogging(enable=True, sample_rate=1),
                # Cloud Armor on the backend service (https://cloud.google.com/kubernetes-engine/
                # docs/how-to/ingress-configuration#cloud_armor).
                security_policy=(
                    BackendConfigSpecSecurityPolicy(name=security_policy)
                    if security_policy
                    else None
                ),
            ),
        )

    def _frontend(self, w: Workload, *, host: str, static_ip: str, ssl_policy: str) -> None:
        FrontendConfig(
            self,
            "frontend-config",
            metadata={"name": w.name},
            spec=FrontendConfigSpec(
                # responseCodeName left at its default, 301 (MOVED_PERMANENTLY_DEFAULT).
                redirect_to_https=FrontendConfigSpecRedirectToHttps(enabled=True),
                ssl_policy=ssl_policy,  # TLS 1.2+, created by infra/
            ),
        )

        ManagedCertificate(
            self,
            "certificate",
            metadata={"name": w.name},
            spec=ManagedCertificateSpec(domains=[host]),
        )
        k8s.KubeIngress(
            self,
            "ingress",
            metadata=k8s.ObjectMeta(
                name=w.name,
                annotations={
                    "kubernetes.io/ingress.class": "gce",
                    "kubernetes.io/ingress.global-static-ip-name": static_ip,
                    "networking.gke.io/managed-certificates": w.name,
                    "networking.gke.io/v1beta1.FrontendConfig": w.name,
                },
            ),
            spec=k8s.IngressSpec(
                # Only the configured host reaches MLflow; any other Host: the LB's 404.
                rules=[
                    k8s.IngressRule(
                        host=host,
                        http=k8s.HttpIngressRuleValue(
                            paths=[
                                k8s.HttpIngressPath(
                                    path="/",
                                    path_type="Prefix",
                                    backend=k8s.IngressBackend(
                                        service=k8s.IngressServiceBackend(
                                            name=w.name,
                                            port=k8s.ServiceBackendPort(name=HTTP_PORT_NAME),
                                        )
                                    ),
                                )
                            ]
                        ),
                    )
                ],
            ),
        )
