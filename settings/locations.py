"""Google Cloud's regions, zones, Cloud Storage locations and machine types, as the project
knows them (settings/data/gcp_locations.json, refreshed by `make refresh-gcp-lists`).

A region, zone or machine type that is not in the lists is refused, with a suggestion when a
listed name is close (settings/similar.py). Google adds regions and machine types every few
months, so the lists can lag: `make refresh-gcp-lists` rewrites them from gcloud, and where that
cannot run, GCP_LISTS=warn in the environment turns these refusals into warnings (Terraform's
plan still fails on a name that really does not exist). A machine family not offered in the
region stays a warning: that list is the least complete.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from settings.similar import closest, closest_letter

DATA = Path(__file__).with_name("data") / "gcp_locations.json"


@cache
def _data() -> dict[str, Any]:
    return dict(json.loads(DATA.read_text(encoding="utf-8")))


def as_of() -> str:
    return str(_data()["as_of"])


def machine_types() -> list[str]:
    return list(_data()["machine_types"])


def regions() -> dict[str, list[str]]:
    return dict(_data()["regions"])


LENIENT_ENV = "GCP_LISTS"


def lenient() -> bool:
    """GCP_LISTS=warn: names missing from the lists are warnings, not errors (stale lists)."""
    return os.environ.get(LENIENT_ENV, "").strip().lower() == "warn"


def _suggest(name: str, known: list[str]) -> str:
    close = closest(name, known)
    return f"; did you mean {close!r}?" if close else ""


def _stale() -> str:
    return (
        f"settings/data/gcp_locations.json (as of {as_of()}; if Google added it since, run "
        f"`make refresh-gcp-lists`, or set {LENIENT_ENV}=warn to accept it)"
    )


def refuse(note: str | None) -> None:
    """Raise a note about an unlisted name as an error, unless the lists may be stale."""
    if note and not lenient():
        raise ValueError(note)


def check_region(region: str) -> str:
    refuse(region_note(region))
    return region


def check_machine_type(machine_type: str) -> str:
    refuse(machine_type_note(machine_type))
    return machine_type


def region_note(region: str) -> str | None:
    if region in regions():
        return None
    return f"region {region!r} is not a Google Cloud region in {_stale()}" + _suggest(
        region, list(regions())
    )


def zone_note(zone: str, region: str) -> str | None:
    zones = regions().get(region)
    if zones is None or zone in zones:
        return None
    nearest = closest_letter(zone, zones)
    return f"zone {zone!r} is not one of {region}'s zones ({', '.join(zones)}) in {_stale()}" + (
        f"; the closest real zone is {nearest!r}" if nearest else ""
    )


def _sizes(machine_type: str, known: list[str]) -> str:
    """The sizes a series comes in, when the name is a series' with an unlisted size."""
    series, _, size = machine_type.rpartition("-")
    sizes = sorted(
        (
            int(k.rpartition("-")[2])
            for k in known
            if k.rpartition("-")[0] == series and k.rpartition("-")[2].isdigit()
        ),
    )
    if not sizes or not size.isdigit():
        return ""
    return f"; {series} comes in {', '.join(map(str, sizes))} vCPUs"


def machine_type_note(machine_type: str) -> str | None:
    """A note when the machine type is not a predefined one (custom shapes are not listed)."""
    known = _data()["machine_types"]
    if "-custom-" in machine_type or machine_type in known:
        return None
    if machine_type in _data()["shared_core_machine_types"]:
        return None  # it exists: the machine type rule says why it cannot serve
    return (
        f"machine type {machine_type!r} is not a predefined Compute Engine type in {_stale()}"
        + (_suggest(machine_type, known) or _sizes(machine_type, known))
    )


def family_note(machine_type: str, region: str) -> str | None:
    data = _data()
    family = machine_type.split("-", 1)[0]
    offered = data["machine_family_regions"].get(family)
    if offered is not None and region in regions() and region not in offered:
        return f"machine family {family} is not offered in {region} ({_stale()})"
    return None


def bucket_location_members(location: str) -> list[str] | None:
    """The regions a Cloud Storage location spans: a region, a dual-region or a multi-region
    (None for an unknown name)."""
    key = location.upper()
    data = _data()
    if key in data["gcs_dual_regions"]:
        return list(data["gcs_dual_regions"][key])
    if key in data["gcs_multi_regions"]:
        prefix = data["gcs_multi_regions"][key]
        return [r for r in regions() if r.startswith(prefix)]
    if location.lower() in regions():
        return [location.lower()]
    return None


def bucket_location_note(location: str, region: str) -> str | None:
    members = bucket_location_members(location)
    if members is None:
        known = [*regions(), *(k.lower() for k in _data()["gcs_dual_regions"]), "us", "eu", "asia"]
        return (
            f"bucket.location {location!r} is not a Cloud Storage region, dual-region or "
            f"multi-region in {_stale()}" + _suggest(location.lower(), known)
        )
    if region not in members:
        return (
            f"bucket.location {location!r} does not include the region {region!r}: the server "
            "copies every artifact across regions (latency, and egress charges)"
        )
    return None
