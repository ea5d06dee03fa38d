"""The load balancer's health check on the server, the same on every Google edge: the
BackendConfig's healthCheck (GKE Ingress) and the HealthCheckPolicy (Gateway API) probe
HEALTH_PATH on the server port with these timings, so that both edges take a pod out after
the same 30 s of failures."""

from __future__ import annotations

CHECK_INTERVAL_SECONDS = 15
CHECK_TIMEOUT_SECONDS = 5
HEALTHY_THRESHOLD = 1
UNHEALTHY_THRESHOLD = 2
