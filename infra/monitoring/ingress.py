"""The ingress, seen from outside the cluster: an uptime check on the host and the load
balancer's share of 5xx answers. Only GKE platforms have an ingress, so the platform adds this
(infra/platforms/gke.py); the load balancer's metrics name GKE's forwarding rule, which this
module predicts from the Ingress' namespace and name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from infra.monitoring.charts import LB_REQUESTS, UPTIME_PASSED, Chart, metric_filter
from infra.monitoring.uptime import IngressUptimeCheck

if TYPE_CHECKING:
    from infra.monitoring.core import Monitoring

# GKE Ingress names its HTTPS forwarding rule k8s2-fs-<cluster uid>-<namespace>-<name>-<hash>,
# namespace and name trimmed together to 36 characters (kubernetes/ingress-gce,
# pkg/utils/namer/frontendnamer.go, V2 naming scheme, and utils.go TrimFieldsEvenly).
INGRESS_NAME_BUDGET = 36


def trim_fields_evenly(limit: int, *fields: str) -> list[str]:
    """ingress-gce's TrimFieldsEvenly: shorten longer fields more, keep the total <= limit."""
    total = sum(len(f) for f in fields)
    if total <= limit:
        return list(fields)
    excess = total - limit
    lengths = [len(f) - len(f) * excess // total - 1 for f in fields]
    for i in range(limit - sum(lengths)):
        lengths[i] += 1
    return [f[:n] for f, n in zip(fields, lengths, strict=True)]


def ingress_forwarding_rule_regex(namespace: str, ingress: str) -> str:
    """An RE2 pattern for the HTTPS forwarding rule GKE Ingress creates for namespace/ingress."""
    ns, name = trim_fields_evenly(INGRESS_NAME_BUDGET, namespace, ingress)
    return f"k8s2-fs-[a-z0-9]{{8}}-{ns}-{name}-[a-z0-9]{{8}}"


INGRESS_FIRST_CHECKS = (
    "`kubectl describe ingress` in the server's namespace and `gcloud compute ssl-certificates "
    "list`"
)


def watch_ingress(
    monitoring: Monitoring,
    *,
    host: str,
    forwarding_rule_regex: str,
    first_checks: str = INGRESS_FIRST_CHECKS,
) -> IngressUptimeCheck:
    """The uptime check on `host` (IAP's 302) and the load balancer's 5xx share; `first_checks`
    says in the alert what to look at first (the edge's objects and certificate)."""
    t = monitoring.thresholds
    check = IngressUptimeCheck(
        monitoring,
        "uptime",
        project_id=monitoring.project_id,
        host=host,
        period_seconds=t.uptime_check_period_seconds,
        labels=monitoring.labels,
        depends_on=monitoring.depends_on or (),
    )
    # Google's own uptime alert: a check failing from more than one region.
    failing = Chart(
        f"Uptime check https://{host}: regions failing",
        metric_filter(UPTIME_PASSED, "uptime_url", metric__label__check_id=check.check_id),
        "ALIGN_NEXT_OLDER",
        "REDUCE_COUNT_FALSE",
        ("resource.label.host",),
        period="1200s",
        threshold=1,
    )
    rule = f'monitoring.regex.full_match("{forwarding_rule_regex}")'
    lb = {"resource__label__forwarding_rule_name": rule}
    errors = Chart(
        "Load balancer 5xx answers per second",
        metric_filter(LB_REQUESTS, "https_lb_rule", metric__label__response_code_class="500", **lb),
        "ALIGN_RATE",
        "REDUCE_SUM",
        period="300s",
    )
    requests = Chart(
        "Load balancer requests per second, by status class",
        metric_filter(LB_REQUESTS, "https_lb_rule", **lb),
        "ALIGN_RATE",
        "REDUCE_SUM",
        ("metric.label.response_code_class",),
        period="300s",
    )
    total = Chart(requests.title, requests.filter, "ALIGN_RATE", "REDUCE_SUM", period="300s")
    monitoring.charts += [failing, requests]
    monitoring.alert(
        "ingress-unreachable",
        title=f"https://{host} unreachable",
        conditions=[
            monitoring.above(
                "uptime check failing in more than one region",
                failing,
                threshold=1,
                duration_seconds=60 * t.unreachable_minutes,
            )
        ],
        severity="CRITICAL",
        # Created disabled: from `make deploy` until DNS points at the static IP and the
        # managed certificate is active (Google: up to 60 minutes after DNS,
        # https://cloud.google.com/kubernetes-engine/docs/how-to/managed-certs), every check
        # fails and this would page on a deployment that is fine. `make edge-ready`
        # (ops/edge_ready.py) arms it once https://<host>/ answers IAP's 302 with a valid
        # certificate; Terraform ignores `enabled` afterwards, so a later deploy never disarms
        # it. The scrape alert (pods.py) watches the server itself from the first pod on.
        armed_later=True,
        documentation=(
            f"Google's uptime checkers cannot get IAP's sign-in redirect (302) from "
            f"https://{host}/. Either DNS no longer points at the static IP, the load "
            "balancer or its managed certificate is down or invalid, or the host answers "
            "something else: a 200 means IAP no longer guards MLflow. Check "
            f"{first_checks}."
        ),
    )
    monitoring.alert(
        "load-balancer-errors",
        title=f"more than {t.error_rate_percent:g}% 5xx at the load balancer",
        conditions=[
            monitoring.above(
                "5xx share of requests",
                errors,
                threshold=t.error_rate_percent / 100,
                duration_seconds=300,
                denominator=total,
            )
        ],
        severity="ERROR",
        documentation=(
            f"More than {t.error_rate_percent:g}% of the requests to https://{host} got a "
            "5xx answer over 5 minutes: the server failed them, or the load balancer found "
            "no healthy pod (502, `failed_to_pick_backend` in its logs). Check the pods "
            "(`kubectl get pods`, `kubectl logs deploy/mlflow-server -c mlflow`) and the "
            "backend's health in the console (Network services, Load balancing)."
        ),
    )
    return check
