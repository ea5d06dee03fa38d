"""Chart `30-ingress` (GKE only): HTTPS on the reserved global IP, a managed certificate, IAP.

GKE's Ingress controller builds an external Application Load Balancer from these objects:
the Ingress (host rule, static IP, certificate), a FrontendConfig (HTTP->HTTPS redirect, TLS
policy), and the BackendConfig that the Service names (health check, timeout, IAP, logging).
"""

from __future__ import annotations

from cdk8s import App, Chart
from cdk8s_plus_25 import k8s

from imports.backendconfig.com.google.cloud import (
    BackendConfig,
    BackendConfigSpec,
    BackendConfigSpecConnectionDraining,
    BackendConfigSpecHealthCheck,
    BackendConfigSpecHealthCheckType,
    BackendConfigSpecIap,
    BackendConfigSpecIapOauthclientCredentials,
    BackendConfigSpecLogging,
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
from k8s.meta import HTTP_PORT_NAME, LB_DRAINING_SECONDS, Workload
from settings import Settings


def build_ingress_chart(app: App, settings: Settings) -> Chart:
    w = Workload.of(settings)
    names = settings.names
    chart = Chart(app, "30-ingress", namespace=w.namespace, labels=w.labels)
    BackendConfig(
        chart,
        "backend-config",
        metadata={"name": w.name},
        spec=BackendConfigSpec(
            # The LB's default is 30 s: too short for a large artifact streamed via the server.
            timeout_sec=settings.server.backend_timeout_seconds,
            connection_draining=BackendConfigSpecConnectionDraining(
                draining_timeout_sec=LB_DRAINING_SECONDS
            ),
            # Without this the LB probes `/` (the UI), not MLflow's cheap health endpoint.
            health_check=BackendConfigSpecHealthCheck(
                type=BackendConfigSpecHealthCheckType.HTTP,
                request_path="/health",
                port=settings.server.port,
                check_interval_sec=15,
                timeout_sec=5,
                healthy_threshold=1,
                unhealthy_threshold=2,
            ),
            # Google's managed OAuth client by default (no oauthclientCredentials); a custom one
            # from a Secret that `make secrets` fills from Secret Manager, never from dist/.
            iap=BackendConfigSpecIap(
                enabled=True,
                oauthclient_credentials=(
                    BackendConfigSpecIapOauthclientCredentials(secret_name=names.iap_oauth_secret)
                    if settings.ingress.oauth_client
                    else None
                ),
            ),
            logging=BackendConfigSpecLogging(enable=True, sample_rate=1),
        ),
    )
    FrontendConfig(
        chart,
        "frontend-config",
        metadata={"name": w.name},
        spec=FrontendConfigSpec(
            # responseCodeName left at its default, 301 (MOVED_PERMANENTLY_DEFAULT).
            redirect_to_https=FrontendConfigSpecRedirectToHttps(enabled=True),
            ssl_policy=names.ssl_policy,  # TLS 1.2+, created by infra/
        ),
    )
    ManagedCertificate(
        chart,
        "certificate",
        metadata={"name": w.name},
        spec=ManagedCertificateSpec(domains=[settings.ingress.host]),
    )
    k8s.KubeIngress(
        chart,
        "ingress",
        metadata=k8s.ObjectMeta(
            name=w.name,
            annotations={
                "kubernetes.io/ingress.class": "gce",
                "kubernetes.io/ingress.global-static-ip-name": names.static_ip,
                "networking.gke.io/managed-certificates": w.name,
                "networking.gke.io/v1beta1.FrontendConfig": w.name,
            },
        ),
        spec=k8s.IngressSpec(
            # Only the configured host reaches MLflow; any other Host gets the LB's 404.
            rules=[
                k8s.IngressRule(
                    host=settings.ingress.host,
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
    return chart
