"""Warnings about a valid config that is probably not what the team wants.

Printed on stderr by the cdktf entry point (so by `make synth`, `make deploy`, `make plan`), one
line each; they never stop a synth. Errors belong in the settings model instead.
"""

from __future__ import annotations

import sys

from settings import locations, transfers
from settings.load import DEFAULT_ENV
from settings.model import Settings


def advice(settings: Settings) -> list[str]:
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
    if settings.is_gke:
        zone = settings.cluster_location
        if zone != settings.region:
            notes += [n for n in [locations.zone_note(zone, settings.region)] if n]
        note = locations.machine_type_note(settings.cluster.machine_type, settings.region)
        notes += [note] if note else []
    notes += transfers.storage_notes(
        settings.server.resources.server.requests.get("ephemeral-storage"),
        settings.server.artifact_transfers,
        settings.cluster.disk_size_gb if settings.is_gke else None,
    )
    if settings.monitoring.enabled and not settings.monitoring.notification_emails:
        notes.append(
            "monitoring.notification_emails is empty: alerts open incidents in Cloud "
            "Monitoring's console but tell nobody; add the on-call address(es)"
        )
    if settings.state_bucket is None and settings.environment != DEFAULT_ENV:
        notes.append(
            f"config/{settings.environment}.yaml has no state_bucket: its Terraform state, which "
            "holds the generated database password, stays in the local file "
            f"terraform.{settings.names.terraform_stack}.tfstate on this machine; set "
            "state_bucket to share and protect it (README: A state bucket)"
        )
    return notes


def print_advice(settings: Settings) -> None:
    for note in advice(settings):
        print(f"warning: {note}", file=sys.stderr)
