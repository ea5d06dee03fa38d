"""Chart `30-gateway` (the Gateway API edge): HTTPS on the reserved global IP with a
Certificate Manager certificate, IAP with the team's OAuth client.

GKE's Gateway controller builds a global external Application Load Balancer from these objects
(https://cloud.google.com/kubernetes-engine/docs/concepts/gateway-api):

* the Gateway (class gke-l7-global-external-managed): an HTTPS listener whose certificate
  comes from the Certificate Manager map its annotation names, an HTTP listener that only
  redirects, the reserved address (NamedAddress);
* two HTTPRoutes: the host to the server's Service on HTTPS, HTTP to HTTPS;
* the policies (https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources;
  fields: https://googlecloudplatform.github.io/gke-gateway-api/): GCPBackendPolicy on the
  Service (timeout, draining, logging, IAP), HealthCheckPolicy on the Service (the health
  path), GCPGatewayPolicy on the Gateway (the TLS policy).
"""

from __future__ import annotations

from cdk8s import Chart
from constructs import Construct

from imports.gateway.io.k8s.networking.gateway import (
    Gateway,
    GatewaySpec,
    GatewaySpecAddresses,
    GatewaySpecListeners,
    GatewaySpecListenersAllowedRoutes,
    GatewaySpecListenersAllowedRoutesNamespaces,
    GatewaySpecListenersAllowedRoutesNamespacesFrom,
)
from imports.gcpbackendpolicy.io.gke.networking import (
    GcpBackendPolicy,
    GcpBackendPolicySpec,
    GcpBackendPolicySpecDefault,
    GcpBackendPolicySpecDefaultConnectionDraining,
    GcpBackendPolicySpecDefaultIap,
    GcpBackendPolicySpecDefaultIapOauth2ClientSecret,
    GcpBackendPolicySpecDefaultLogging,
    GcpBackendPolicySpecTargetRef,
)
from imports.gcpgatewaypolicy.io.gke.networking import (
    GcpGatewayPolicy,
    GcpGatewayPolicySpec,
    GcpGatewayPolicySpecDefault,
    GcpGatewayPolicySpecTargetRef,
)
from imports.healthcheckpolicy.io.gke.networking import (
    HealthCheckPolicy,
    HealthCheckPolicySpec,
    HealthCheckPolicySpecDefault,
    HealthCheckPolicySpecDefaultConfig,
    HealthCheckPolicySpecDefaultConfigHttpHealthCheck,
    HealthCheckPolicySpecDefaultConfigHttpHealthCheckPortSpecification,
    HealthCheckPolicySpecDefaultConfigType,
    HealthCheckPolicySpecTargetRef,
)
from imports.httproute.io.k8s.networking.gateway import (
    HttpRoute,
    HttpRouteSpec,
    HttpRouteSpecParentRefs,
    HttpRouteSpecRules,
    HttpRouteSpecRulesBackendRefs,
    HttpRouteSpecRulesFilters,
    HttpRouteSpecRulesFiltersRequestRedirect,
    HttpRouteSpecRulesFiltersRequestRedirectScheme,
    HttpRouteSpecRulesFiltersRequestRedirectStatusCode,
    HttpRouteSpecRulesFiltersType,
    HttpRouteSpecRulesMatches,
    HttpRouteSpecRulesMatchesPath,
    HttpRouteSpecRulesMatchesPathType,
)
from k8s.edges import health
from k8s.meta import LB_DRAINING_SECONDS, Workload
from settings.contract import HEALTH_PATH

# The global external Application Load Balancer (Envoy-based, the current generation; GKE
# Ingress makes the classic one): https://cloud.google.com/kubernetes-engine/docs/concepts/
# gateway-api#gatewayclass
GATEWAY_CLASS = "gke-l7-global-external-managed"
# "networking.gke.io/certmap: MAP" on the Gateway: the target HTTPS proxy takes its
# certificates from a Certificate Manager map (https://cloud.google.com/kubernetes-engine/docs/
# how-to/secure-gateway#secure-using-certificate-manager).
CERTMAP_ANNOTATION = "networking.gke.io/certmap"
# A global address reserved by name (https://cloud.google.com/kubernetes-engine/docs/
# how-to/deploying-gateways#gateway_ip_addressing: type NamedAddress).
NAMED_ADDRESS = "NamedAddress"
HTTPS_LISTENER, HTTP_LISTENER = "https", "http"
# The GCPBackendPolicy's logging.sampleRate is in parts per million: every request, as the
# BackendConfig's sampleRate 1.
EVERY_REQUEST = 1_000_000


class GatewayChart(Chart):
    """The Gateway, its routes and the three GKE policies; every object is named after the
    server's Service, the redirect route `<service>-redirect`.

    Options:
      workload: the server's names and labels. Required.
      host: the only hostname of the listeners and routes: any other Host gets the load
        balancer's 404. Required.
      static_ip: the reserved global address's name (infra/edges/gateway.py). Required.
      certificate_map: the Certificate Manager map with the host's entry. Required.
      ssl_policy: the SSL policy's name (TLS 1.2+, infra/edge.py). Required.
      service_port: the Service's port the route sends to. Required.
      backend_port: the pods' port the health check probes. Required.
      oauth_client_id: the custom OAuth client's ID (IAP on the Gateway API takes no other).
        Required.
      oauth_secret: the Secret with the client secret under `key` (`make secrets` fills it).
        Required.
      backend_timeout_seconds: the longest request (a large artifact through the server), as
        the Ingress edge's BackendConfig. Default: 600.
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
        certificate_map: str,
        ssl_policy: str,
        service_port: int,
        backend_port: int,
        oauth_client_id: str,
        oauth_secret: str,
        backend_timeout_seconds: int = 600,
        security_policy: str | None = None,
    ) -> None:
        w = workload
        super().__init__(scope, id, namespace=w.namespace, labels=w.labels)
        self._gateway(w, host=host, static_ip=static_ip, certificate_map=certificate_map)
        self._routes(w, host=host, service_port=service_port)
        service = {"group": "", "kind": "Service", "name": w.name}
        GcpBackendPolicy(
            self,
            "backend-policy",
            metadata={"name": w.name},
            spec=GcpBackendPolicySpec(
                target_ref=GcpBackendPolicySpecTargetRef(**service),
                default=GcpBackendPolicySpecDefault(
                    # The LB's default is 30 s: too short for a large artifact via the server.
                    timeout_sec=backend_timeout_seconds,
                    connection_draining=GcpBackendPolicySpecDefaultConnectionDraining(
                        draining_timeout_sec=LB_DRAINING_SECONDS
                    ),
                    logging=GcpBackendPolicySpecDefaultLogging(
                        enabled=True, sample_rate=EVERY_REQUEST
                    ),
                    # IAP with the team's own client: the Secret holds the client secret, never
                    # dist/ (https://cloud.google.com/kubernetes-engine/docs/how-to/
                    # configure-gateway-resources#configure_iap).
                    iap=GcpBackendPolicySpecDefaultIap(
                        enabled=True,
                        client_id=oauth_client_id,
                        oauth2_client_secret=GcpBackendPolicySpecDefaultIapOauth2ClientSecret(
                            name=oauth_secret
                        ),
                    ),
                    # Cloud Armor (https://cloud.google.com/kubernetes-engine/docs/how-to/
                    # configure-gateway-resources#configure_cloud_armor).
                    security_policy=security_policy,
                ),
            ),
        )
        # Without it the load balancer probes `/` (the UI), not MLflow's cheap health endpoint
        # (https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources
        # #configure_health_check).
        HealthCheckPolicy(
            self,
            "health-check-policy",
            metadata={"name": w.name},
            spec=HealthCheckPolicySpec(
                target_ref=HealthCheckPolicySpecTargetRef(**service),
                default=HealthCheckPolicySpecDefault(
                    check_interval_sec=health.CHECK_INTERVAL_SECONDS,
                    timeout_sec=health.CHECK_TIMEOUT_SECONDS,
                    healthy_threshold=health.HEALTHY_THRESHOLD,
                    unhealthy_threshold=health.UNHEALTHY_THRESHOLD,
                    config=HealthCheckPolicySpecDefaultConfig(
                        type=HealthCheckPolicySpecDefaultConfigType.HTTP,
                        http_health_check=HealthCheckPolicySpecDefaultConfigHttpHealthCheck(
                            port_specification=(
                                HealthCheckPolicySpecDefaultConfigHttpHealthCheckPortSpecification.USE_UNDERSCORE_FIXED_UNDERSCORE_PORT
                            ),
                            port=backend_port,
                            request_path=HEALTH_PATH,
                        ),
                    ),
                ),
            ),
        )
        # TLS 1.2+ on the target HTTPS proxy, the SSL policy the Ingress edge's FrontendConfig
        # names (https://cloud.google.com/kubernetes-engine/docs/how-to/
        # configure-gateway-resources#configure_ssl_policies).
        GcpGatewayPolicy(
            self,
            "gateway-policy",
            metadata={"name": w.name},
            spec=GcpGatewayPolicySpec(
                target_ref=GcpGatewayPolicySpecTargetRef(
                    group="gateway.networking.k8s.io", kind="Gateway", name=w.name
                ),
                default=GcpGatewayPolicySpecDefault(ssl_policy=ssl_policy),
            ),
        )

    def _gateway(self, w: Workload, *, host: str, static_ip: str, certificate_map: str) -> None:
        # Routes of this namespace only: the Gateway is the server's own, not a shared one.
        same = GatewaySpecListenersAllowedRoutes(
            namespaces=GatewaySpecListenersAllowedRoutesNamespaces(
                from_=GatewaySpecListenersAllowedRoutesNamespacesFrom.SAME
            )
        )
        Gateway(
            self,
            "gateway",
            metadata={"name": w.name, "annotations": {CERTMAP_ANNOTATION: certificate_map}},
            spec=GatewaySpec(
                gateway_class_name=GATEWAY_CLASS,
                addresses=[GatewaySpecAddresses(type=NAMED_ADDRESS, value=static_ip)],
                listeners=[
                    # No `tls` block: the certificate map supplies the certificates.
                    GatewaySpecListeners(
                        name=HTTPS_LISTENER,
                        protocol="HTTPS",
                        port=443,
                        hostname=host,
                        allowed_routes=same,
                    ),
                    GatewaySpecListeners(
                        name=HTTP_LISTENER,
                        protocol="HTTP",
                        port=80,
                        hostname=host,
                        allowed_routes=same,
                    ),
                ],
            ),
        )

    def _routes(self, w: Workload, *, host: str, service_port: int) -> None:
        HttpRoute(
            self,
            "route",
            metadata={"name": w.name},
            spec=HttpRouteSpec(
                parent_refs=[HttpRouteSpecParentRefs(name=w.name, section_name=HTTPS_LISTENER)],
                hostnames=[host],
                rules=[
                    HttpRouteSpecRules(
                        matches=[
                            HttpRouteSpecRulesMatches(
                                path=HttpRouteSpecRulesMatchesPath(
                                    type=HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value="/"
                                )
                            )
                        ],
                        backend_refs=[
                            HttpRouteSpecRulesBackendRefs(name=w.name, port=service_port)
                        ],
                    )
                ],
            ),
        )
        # HTTP answers only with a redirect to HTTPS, as the Ingress edge's FrontendConfig
        # (https://cloud.google.com/kubernetes-engine/docs/how-to/http-redirect;
        # https://gateway-api.sigs.k8s.io/guides/http-redirect-rewrite/): 301, like it.
        HttpRoute(
            self,
            "redirect",
            metadata={"name": f"{w.name}-redirect"},
            spec=HttpRouteSpec(
                parent_refs=[HttpRouteSpecParentRefs(name=w.name, section_name=HTTP_LISTENER)],
                hostnames=[host],
                rules=[
                    HttpRouteSpecRules(
                        filters=[
                            HttpRouteSpecRulesFilters(
                                type=HttpRouteSpecRulesFiltersType.REQUEST_REDIRECT,
                                request_redirect=HttpRouteSpecRulesFiltersRequestRedirect(
                                    scheme=HttpRouteSpecRulesFiltersRequestRedirectScheme.HTTPS,
                                    status_code=HttpRouteSpecRulesFiltersRequestRedirectStatusCode.VALUE_301,
                                ),
                            )
                        ]
                    )
                ],
            ),
        )
