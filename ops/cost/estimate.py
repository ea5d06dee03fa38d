"""One environment's monthly estimate from its committed outputs: the Terraform JSON
(cdktf.out/stacks/<stack>/cdk.tf.json) and the manifests (dist/, dist/<env>/).

Every resource type of the JSON is either priced (PRICED) or listed as free or billed only by
usage that another line covers (FREE, with the reason); a type in neither is reported as
unpriced, and tests/ops/test_cost.py fails on it for every committed environment.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from ops.cost import gke, services
from ops.cost.manifests import load_manifests
from ops.cost.model import Context, Estimate
from ops.cost.prices import PriceTable, load_prices
from settings.errors import ConfigError

Estimator = Callable[[Context, str, dict], None]

# In this order: node pools count the VMs that Cloud NAT's gateway is billed for.
PRICED: dict[str, Estimator] = {
    "google_container_cluster": gke.cluster,
    "google_container_node_pool": gke.node_pool,
    "data.google_container_cluster": gke.existing_cluster,
    "google_sql_database_instance": services.sql_instance,
    "google_compute_global_address": services.global_address,
    "google_compute_address": services.global_address,
    "google_compute_router_nat": services.router_nat,
    "google_dns_managed_zone": services.dns_zone,
    "google_storage_bucket": services.bucket,
    "google_secret_manager_secret_version": services.secret_versions,
    "google_artifact_registry_repository": services.registry,
    "google_monitoring_uptime_check_config": services.uptime_check,
    "google_monitoring_alert_policy": services.alert_policy,
}

_IAM = "an IAM binding: no charge"
FREE: dict[str, str] = {
    "google_artifact_registry_repository_iam_member": _IAM,
    "google_compute_network": "a VPC network: no charge (its traffic is billed as data transfer)",
    "google_compute_subnetwork": "no charge; its flow logs are in the Logging line",
    "google_compute_router": "Cloud Router: no charge (Cloud NAT is priced on its own)",
    "google_compute_ssl_policy": "an SSL policy: no charge",
    "google_compute_firewall": "a firewall rule: no charge (Firewall Rules Logging is usage)",
    "google_dns_record_set": "records are part of their zone's price; queries are usage",
    "google_iap_web_iam_member": "IAP for HTTPS resources: no charge",
    "google_iap_web_backend_service_iam_member": "IAP for HTTPS resources: no charge",
    "google_iam_workload_identity_pool": "Workload Identity Federation: no charge",
    "google_iam_workload_identity_pool_provider": "Workload Identity Federation: no charge",
    "google_monitoring_dashboard": "dashboards: no charge",
    "google_monitoring_notification_channel": "email notification channels: no charge",
    "google_project_iam_custom_role": "a custom role: no charge",
    "google_project_iam_member": _IAM,
    "google_project_service": "enabling an API: no charge",
    "google_secret_manager_secret": "billed per version",  # pragma: allowlist secret
    "google_secret_manager_secret_iam_member": _IAM,
    "google_service_account": "service accounts: no charge",
    "google_service_account_iam_member": _IAM,
    "google_service_networking_connection": "private services access peering: no charge",
    "google_sql_database": "a database inside the instance: billed with the instance",
    "google_sql_user": "a user inside the instance: billed with the instance",
    "google_storage_bucket_iam_member": _IAM,
    "random_password": "generated locally by Terraform",  # pragma: allowlist secret
    "terraform_data": "Terraform's own bookkeeping",
    "data.google_project": "a lookup",
    "data.google_project_ancestry": "a lookup",
    "data.google_client_config": "a lookup",
    "data.google_compute_network": "a lookup",
}


def resource_types(terraform: dict) -> list[str]:
    found = list(terraform.get("resource") or {})
    found += [f"data.{t}" for t in terraform.get("data") or {}]
    return sorted(found)


def estimate_outputs(
    *,
    environment: str,
    region: str,
    stack: str,
    terraform: dict,
    manifests: list[dict],
    prices: PriceTable | None = None,
) -> Estimate:
    prices = prices or load_prices()
    ctx = Context(prices=prices, region=region, terraform=terraform, manifests=manifests)
    groups = {"resource": terraform.get("resource") or {}, "data": terraform.get("data") or {}}
    for key, estimator in PRICED.items():
        group, _, kind = key.rpartition(".")
        for name, body in sorted(groups[group or "resource"].get(kind, {}).items()):
            estimator(ctx, name, body)
    if gke.has_gke(terraform):
        gke.load_balancer(ctx)
    services.monitoring_usage(ctx)
    unpriced = tuple(t for t in resource_types(terraform) if t not in PRICED and t not in FREE)
    return Estimate(
        environment=environment,
        region=region,
        stack=stack,
        lines=tuple(ctx.lines),
        unpriced=unpriced,
        fallbacks=tuple(sorted(ctx.fallbacks)),
        as_of=prices.as_of,
        list_region=prices.list_region,
    )


def estimate_environment(env: str, prices: PriceTable | None = None) -> Estimate:
    """From the committed outputs of config/<env>.yaml (make synth-all writes them)."""
    from ops.environments import STACKS
    from settings.load import load_settings, manifests_dir

    settings = load_settings(env)
    stack = settings.names.terraform_stack
    path = STACKS / stack / "cdk.tf.json"
    if not path.is_file():
        raise ConfigError(f"{path} is missing: run make synth DEPLOY_ENV={env} (or make synth-all)")
    return estimate_outputs(
        environment=env,
        region=settings.region,
        stack=stack,
        terraform=json.loads(path.read_text(encoding="utf-8")),
        manifests=load_manifests(manifests_dir(settings)),
        prices=prices,
    )


def estimate_file(
    path: Path, manifests: Path, region: str, prices: PriceTable | None = None
) -> Estimate:
    return estimate_outputs(
        environment=path.stem,
        region=region,
        stack=path.parent.name,
        terraform=json.loads(path.read_text(encoding="utf-8")),
        manifests=load_manifests(manifests),
        prices=prices,
    )
