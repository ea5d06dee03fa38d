"""Cloud Monitoring: the notification channels, the alert policies and one dashboard.

One module per signal, so that a reader who wants "the Cloud SQL alerts" opens one file:
database.py (Cloud SQL's disk and CPU, every platform), ingress.py (the uptime check, uptime.py,
and the load balancer's 5xx share) and pods.py (Managed Prometheus' scrape, restarts), the last
two on GKE only (gateway.py: the Gateway edge's load balancer names). core.py holds the
`Monitoring` construct they all build on (channels, alert helpers, the dashboard); charts.py
the series an alert watches and its chart draws.
"""

from infra.monitoring.charts import METRIC_TYPES, Chart, metric_filter
from infra.monitoring.core import Monitoring
from infra.monitoring.gateway import gateway_forwarding_rule_regex
from infra.monitoring.ingress import ingress_forwarding_rule_regex, trim_fields_evenly
from infra.monitoring.uptime import IngressUptimeCheck

__all__ = [
    "METRIC_TYPES",
    "Chart",
    "IngressUptimeCheck",
    "Monitoring",
    "gateway_forwarding_rule_regex",
    "ingress_forwarding_rule_regex",
    "metric_filter",
    "trim_fields_evenly",
]
