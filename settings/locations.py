"""Google Cloud's regions, zones, Cloud Storage locations and machine types, as the project
knows them (settings/data/gcp_locations.json, refreshed by `make refresh-gcp-lists`).

A well-formed name that is not in the lists earns a warning (settings/advice.py), not an error:
Google adds regions and machine types every few months, and the lists would otherwise refuse a
real new one until refreshed. Terraform's plan still fails on a name that does not exist.
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("data") / "gcp_locations.json"


@cache
def _data() -> dict[str, Any]:
    return dict(json.loads(DATA.read_text(encoding="utf-8")))


def as_of() -> str:
    return str(_data()["as_of"])


def regions() -> dict[str, list[str]]:
    return dict(_data()["regions"])


def _suggest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
    return f"; did you mean {close[0]!r}?" if close else ""


def _stale() -> str:
    return (
        f"settings/data/gcp_locations.json (as of {as_of()}; if Google added it since, run "
        "`make refresh-gcp-lists`)"
    )


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
    return f"zone {zone!r} is not one of {region}'s zones ({', '.join(zones)}) in {_stale()}"


def machine_type_note(machine_type: str, region: str) -> str | None:
    data = _data()
    if "-custom-" in machine_type:
        return None  # custom shapes are not listed
    if machine_type not in data["machine_types"]:
        return f"machine type {machine_type!r} is not a predefined type in {_stale()}" + _suggest(
            machine_type, data["machine_types"]
        )
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
