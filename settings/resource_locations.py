"""The `locations:` section: the locations an organization policy allows, checked before
anything is planned.

`locations.allowed` takes the values of the organization's constraints/gcp.resourceLocations
(https://cloud.google.com/resource-manager/docs/organization-policy/defining-locations):
value groups (`in:eu-locations`, `in:europe-west1-locations`), regions (a region stands for
`in:<region>-locations`, as the policy reads it), zones and multi-regions (`eu`, `us`, `global`).
Every location this environment chooses is then checked against them, each with its field:
the region (the Cloud SQL instance, the registry, the build, the subnet, regional secrets and
the keys live there), the cluster's location, the bucket's location, where the secrets are
(`global` for automatic replication) and each CMEK key's location.

The policy "does not affect where global resources, such as Compute Engine global addresses
… are created": the edge's global static IP, its SSL policy, the Certificate Manager
certificate, map and DNS authorization, the uptime check and the private DNS zones are global
resources and are not checked here (docs/enterprise.md, "Locations").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field, field_validator

from settings import locations as gcp
from settings.modes import SecretLocation
from settings.targets import CreatedGke
from settings.types import Section

if TYPE_CHECKING:
    from settings.model import Settings

MULTI_REGIONS = {"global", "us", "eu", "asia"}
# Geographic value groups, by the regions they hold. eu-locations: the regions in EU member
# states (London, Zurich and non-EU regions are out); the others by the regions' prefix. A
# group not listed here is refused with the advice to list its regions instead.
# https://cloud.google.com/resource-manager/docs/organization-policy/defining-locations#value_groups
EU_REGIONS = frozenset(
    {
        "europe-central2",
        "europe-north1",
        "europe-north2",
        "europe-southwest1",
        "europe-west1",
        "europe-west3",
        "europe-west4",
        "europe-west8",
        "europe-west9",
        "europe-west10",
        "europe-west12",
    }
)
GROUP_PREFIXES = {
    "us-locations": ("us-", "us"),
    "europe-locations": ("europe-", "eu"),
    "asia-locations": ("asia-", "asia"),
}


def _group_regions(group: str) -> tuple[frozenset[str], str | None] | None:
    """(the regions, the multi-region) a geographic value group holds; None: unknown."""
    if group == "eu-locations":
        return EU_REGIONS, "eu"
    if group in GROUP_PREFIXES:
        prefix, multi = GROUP_PREFIXES[group]
        return frozenset(r for r in gcp.regions() if r.startswith(prefix)), multi
    return None


class LocationsSettings(Section):
    """Where the organization lets this project create resources."""

    allowed: tuple[str, ...] = Field(
        (),
        description="The allowed values of the organization's constraints/gcp.resourceLocations "
        "policy (in:eu-locations, in:europe-west1-locations, europe-west1, europe-west1-b, eu, "
        "global). Every location the config chooses is checked against them. Empty: no "
        "check.",
    )

    @field_validator("allowed")
    @classmethod
    def _known(cls, allowed: tuple[str, ...]) -> tuple[str, ...]:
        for value in allowed:
            if value.startswith("in:"):
                group = value.removeprefix("in:")
                region = group.removesuffix("-locations")
                if not group.endswith("-locations") or (
                    region not in gcp.regions() and _group_regions(group) is None
                ):
                    raise ValueError(
                        f"{value!r} is not a value group this project knows (in:<region>-"
                        "locations, in:eu-locations, in:europe-locations, in:us-locations, "
                        "in:asia-locations): list its regions instead"
                    )
            elif not (value in MULTI_REGIONS or value in gcp.regions() or _zone_region(value)):
                raise ValueError(
                    f"{value!r} is not a region, zone, multi-region or in:<group>-locations"
                )
        return allowed


def _zone_region(zone: str) -> str | None:
    region = zone.rsplit("-", 1)[0]
    return region if zone in gcp.regions().get(region, ()) else None


def _allows(allowed: tuple[str, ...], location: str) -> bool:
    """Whether the policy's values admit `location` (a region, zone, multi- or dual-region)."""
    location = location.lower()
    region = _zone_region(location) or location
    for value in allowed:
        if value == location:
            return True
        if value.startswith("in:"):
            group = value.removeprefix("in:")
            regions_multi = _group_regions(group)
            if regions_multi is None:
                regions, multi = frozenset({group.removesuffix("-locations")}), None
            else:
                regions, multi = regions_multi
            if region in regions or location == multi:
                return True
            members = gcp.bucket_location_members(location)
            if location not in gcp.regions() and members and set(members) <= regions:
                return True  # a dual-region whose regions the group holds
        elif value in gcp.regions() and region == value:
            return True  # a region stands for in:<region>-locations (its zones too)
    return False


def chosen_locations(settings: Settings) -> list[tuple[str, str, str]]:
    """(field, location, what lives there) for every location the config chooses."""
    chosen = [
        (
            "region",
            settings.region,
            "Cloud SQL, Artifact Registry, Cloud Build, the subnet and router",
        ),
        ("bucket.location", settings.bucket_location.lower(), "the artifact bucket"),
    ]
    target = settings.target
    if isinstance(target, CreatedGke):
        chosen.append(("cluster.location", target.location, "the GKE cluster and its nodes"))
    secrets = settings.secrets.location
    chosen.append(
        (
            "secrets.location",
            "global" if secrets is SecretLocation.GLOBAL else settings.region,
            "the database password and KEK secrets",
        )
    )
    enc = settings.encryption
    for use, key in sorted(enc.keys.items()):
        chosen.append((f"encryption.keys.{use.value}", key.split("/")[3], "its CMEK key"))
    if enc.kms_key:
        chosen.append(("encryption.kms_key", enc.kms_key.split("/")[3], "the CMEK key"))
    return chosen


def check_locations(settings: Settings) -> None:
    allowed = settings.locations.allowed
    if not allowed:
        return
    for field, location, what in chosen_locations(settings):
        if not _allows(allowed, location):
            advice = " (set secrets.location: regional)" if field == "secrets.location" else ""
            raise ValueError(
                f"{field} puts {what} in {location!r}, which locations.allowed "
                f"{list(allowed)} does not include (constraints/gcp.resourceLocations would "
                f"refuse it at deploy){advice}"
            )
