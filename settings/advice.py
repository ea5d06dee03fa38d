"""Warnings about a valid config that is probably not what the team wants.

Printed on stderr by the cdktf entry point (so by `make synth`, `make deploy`, `make plan`), one
line each; they never stop a synth. Errors belong in the settings model instead.
"""

from __future__ import annotations

import sys

from settings import autopilot, locations, transfers
from settings.existing_cluster import GoogleApisRoute
from settings.load import DEFAULT_ENV
from settings.model import Settings
from settings.targets import CreatedGke, ExistingGke


def advice(settings: Settings, source: str | None = None) -> list[str]:
    """The warnings for a valid config; source: the file it came from, as shown to users."""
    where = source or f"the {settings.environment} environment's config"
    notes = [
        note
        for note in (
            locations.region_note(settings.region),
            locations.bucket_location_note(
                settings.bucket.location or settings.region, settings.region
            ),
        )
        if note
    ]
    target = settings.target
    existing = target.existing if isinstance(target, ExistingGke) else None
    if (
        existing is not None
        and existing.google_apis
        in (GoogleApisRoute.PRIVATE_EXISTS, GoogleApisRoute.RESTRICTED_EXISTS)
        and settings.auth.enabled
    ):
        route = existing.google_apis.value
        notes.append(
            f"existing_cluster.google_apis {route} with auth on: the server fetches IAP's "
            "signing keys from www.gstatic.com, which the NetworkPolicy allows only on "
            "private.googleapis.com's addresses, so the VPC must resolve *.gstatic.com there "
            + (
                "too, as it does *.googleapis.com (or use private-create, which makes both zones)"
                if route == "private"
                else "(restricted.googleapis.com does not serve gstatic.com; or use "
                "restricted-create, which makes the zones and the routes)"
            )
        )
    principals = [a for a in settings.auth.admins if a.startswith("principal://")]
    if settings.auth.enabled and settings.ingress.workforce_identity is not None and principals:
        notes.append(
            f"auth.admins lists {', '.join(principals)}: the server takes a workforce user's "
            "email claim first (the google.email attribute mapping that IAP's workforce guide "
            "asks for), and the principal only when the assertion has no email; list those "
            "admins by the email their provider maps"
        )
    if isinstance(target, CreatedGke | ExistingGke) and target.autopilot:
        raised = autopilot.limit_notes(
            settings.server.resources, settings.garbage_collection.resources
        )
        if raised:
            notes.append(
                "on Autopilot without bursting (cgroup v2 and GKE 1.30.2 or later), limits are "
                f"set to the requests, so these come down: {'; '.join(raised)}; request what a "
                "pod may use"
            )
    if isinstance(target, CreatedGke):
        zone = target.location
        if zone != settings.region:
            notes += [n for n in [locations.zone_note(zone, settings.region)] if n]
        if not target.autopilot:
            machine_type = target.cluster.machine_type
            notes += [
                n
                for n in (
                    locations.machine_type_note(machine_type),  # only with GCP_LISTS=warn
                    locations.family_note(machine_type, settings.region),
                )
                if n
            ]
    notes += transfers.storage_notes(
        settings.server.resources.server.requests.get("ephemeral-storage"),
        settings.server.artifact_transfers,
        # The node disk: the created pool's (the team's cluster's is unknown: the default;
        # Autopilot's nodes are sized for the pods).
        settings.cluster.disk_size_gb
        if isinstance(target, CreatedGke | ExistingGke) and not target.autopilot
        else None,
    )
    if target.is_gke and not settings.ingress.iap_members:
        notes.append(
            "ingress.iap_members is empty: IAP admits nobody, so nobody can sign in to MLflow "
            "through https://" + settings.ingress.host + "; add the groups or users who should "
            "(group:ml-team@example.com)"
        )
    if settings.monitoring.enabled and not settings.monitoring.notification_emails:
        notes.append(
            "monitoring.notification_emails is empty: alerts open incidents in Cloud "
            "Monitoring's console but tell nobody; add the on-call address(es)"
        )
    if settings.state_bucket is None and settings.environment != DEFAULT_ENV:
        notes.append(
            f"{where} has no state_bucket: its Terraform state, which "
            "holds the generated database password, stays in the local file "
            f"terraform.{settings.names.terraform_stack}.tfstate on this machine; set "
            "state_bucket to share and protect it (docs/deploy.md#a-state-bucket)"
        )
    return notes


def print_advice(settings: Settings, source: str | None = None) -> None:
    for note in advice(settings, source):
        print(f"warning: {note}", file=sys.stderr)
