"""When GKE may upgrade the cluster this project creates: a recurring window and exclusions.

GKE keeps one recurring window per cluster and up to 20 exclusions; a window must leave at
least 48 hours of maintenance in any 32 days, in stretches of at least 4 hours, and its days of
the week are UTC days (https://cloud.google.com/kubernetes-engine/docs/how-to/maintenance-window,
"Considerations when configuring maintenance windows"). Exclusions stop automatic upgrades for
a while (https://cloud.google.com/kubernetes-engine/docs/concepts/maintenance-windows-and-exclusions):
`NO_UPGRADES` at most 30 days, the others up to the version's end of support.

The default window is weekend nights in the cluster's region: Saturday and Sunday from 00:00
for 6 hours, local time of the region's part of the world, turned into UTC here (12 hours a
week, 52-60 hours in any 32 days).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from settings import rules
from settings.types import Section

# Whole-hour UTC offsets of each region family's standard time, enough to put a window at
# night there (daylight saving moves it by an hour). The longest prefix wins.
REGION_UTC_OFFSETS: dict[str, int] = {
    "us-west": -8,
    "us-": -6,
    "northamerica-": -5,
    "southamerica-": -3,
    "europe-": 1,
    "africa-": 2,
    "me-": 3,
    "asia-south": 5,
    "asia-southeast1": 8,
    "asia-southeast2": 7,
    "asia-east": 8,
    "asia-northeast": 9,
    "australia-": 10,
}
LOCAL_START_HOUR = 0
DEFAULT_HOURS = 6
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# A Monday, 00:00 UTC: the window's first occurrence is placed in this week.
_WEEK = datetime(2026, 1, 5, tzinfo=UTC)
_HHMM = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def utc_offset(region: str) -> int:
    matches = [p for p in REGION_UTC_OFFSETS if region.startswith(p)]
    return REGION_UTC_OFFSETS[max(matches, key=len)] if matches else 0


def _hhmm(value: str) -> str:
    if not _HHMM.fullmatch(value):
        raise ValueError(f"{value!r} is not a time of day HH:MM (24 hours, UTC), e.g. 23:00")
    return value


def _days(value: tuple[str, ...]) -> tuple[str, ...]:
    for day in value:
        if day not in _DAYS:
            raise ValueError(f"day {day!r} must be one of {', '.join(_DAYS)} (RFC 5545 BYDAY)")
    if len(set(value)) != len(value) or not value:
        raise ValueError("days must name each day once, at least one")
    return value


def _timestamp(value: str) -> str:
    if not _DATE.fullmatch(value):
        raise ValueError(f"{value!r} is not a UTC timestamp YYYY-MM-DDTHH:MM:SSZ")
    datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
    return value


class ExclusionScope(StrEnum):
    NO_UPGRADES = "NO_UPGRADES"  # nothing, at most 30 days
    NO_MINOR_UPGRADES = "NO_MINOR_UPGRADES"  # patches only
    NO_MINOR_OR_NODE_UPGRADES = "NO_MINOR_OR_NODE_UPGRADES"  # control-plane patches only


class MaintenanceExclusion(Section):
    """A stretch of time without automatic upgrades (a release freeze, a busy season)."""

    name: Annotated[str, AfterValidator(rules.GCE_NAME.check)] = Field(
        description="The exclusion's name."
    )
    start: Annotated[str, AfterValidator(_timestamp)] = Field(
        description="Start, UTC: YYYY-MM-DDTHH:MM:SSZ."
    )
    end: Annotated[str, AfterValidator(_timestamp)] = Field(
        description="End, UTC: YYYY-MM-DDTHH:MM:SSZ."
    )
    scope: ExclusionScope = Field(
        ExclusionScope.NO_MINOR_UPGRADES,
        description="What is held back: NO_UPGRADES (everything, at most 30 days), "
        "NO_MINOR_UPGRADES (patches still apply), NO_MINOR_OR_NODE_UPGRADES.",
    )

    @model_validator(mode="after")
    def _ordered(self) -> MaintenanceExclusion:
        start = datetime.strptime(self.start, "%Y-%m-%dT%H:%M:%SZ")
        end = datetime.strptime(self.end, "%Y-%m-%dT%H:%M:%SZ")
        if end <= start:
            raise ValueError(f"exclusion {self.name!r}: end {self.end} is not after start")
        if self.scope is ExclusionScope.NO_UPGRADES and end - start > timedelta(days=30):
            raise ValueError(
                f"exclusion {self.name!r}: scope NO_UPGRADES lasts at most 30 days (GKE's rule); "
                "use NO_MINOR_UPGRADES for a longer freeze"
            )
        return self


class MaintenanceSettings(Section):
    """The cluster's maintenance window and exclusions (platform gke)."""

    start_utc: Annotated[str, AfterValidator(_hhmm)] | None = Field(
        None,
        description="Start of the window on each of `days`, UTC HH:MM. None: 00:00 local time "
        "of the region's part of the world (weekend nights there).",
    )
    days: Annotated[tuple[str, ...], AfterValidator(_days)] | None = Field(
        None,
        description="UTC days the window opens (MO..SU). None: Saturday and Sunday local time.",
    )
    hours: int = Field(
        DEFAULT_HOURS, ge=4, le=24, description="Length of each window, hours (GKE: at least 4)."
    )
    exclusions: tuple[MaintenanceExclusion, ...] = Field(
        (), description="Times without automatic upgrades (GKE: at most 20)."
    )

    @model_validator(mode="after")
    def _enough_maintenance(self) -> MaintenanceSettings:
        # In 32 days each weekday occurs at least 4 times.
        if len(self.exclusions) > 20:
            raise ValueError(f"{len(self.exclusions)} exclusions: GKE keeps at most 20")
        days = len(self.days) if self.days is not None else 2
        if days * 4 * self.hours < 48:
            raise ValueError(
                f"maintenance: {days} day(s) a week x {self.hours} h leave less than 48 hours "
                "of maintenance in 32 days (GKE's minimum); add days or hours"
            )
        return self

    def window(self, region: str) -> RecurringWindow:
        """The recurring window in UTC, for a cluster in `region`."""
        if self.start_utc is not None and self.days is not None:
            hour, minute = (int(x) for x in self.start_utc.split(":"))
            return RecurringWindow.weekly(self.days, hour, minute, self.hours)
        offset = utc_offset(region)
        local = (5, 6)  # Saturday, Sunday (Monday = 0)
        hour, minute, shift = LOCAL_START_HOUR - offset, 0, 0
        if self.start_utc is not None:
            hour, minute = (int(x) for x in self.start_utc.split(":"))
        elif hour < 0:
            hour, shift = hour + 24, -1
        elif hour >= 24:
            hour, shift = hour - 24, 1
        days = self.days or tuple(_DAYS[(d + shift) % 7] for d in local)
        return RecurringWindow.weekly(days, hour, minute, self.hours)


class RecurringWindow:
    """GKE's recurring window: a first occurrence (start, end) and an RFC 5545 rule."""

    def __init__(self, start: datetime, end: datetime, recurrence: str) -> None:
        self.start_time = start.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.end_time = end.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.recurrence = recurrence

    @classmethod
    def weekly(cls, days: tuple[str, ...], hour: int, minute: int, hours: int) -> RecurringWindow:
        ordered = sorted(days, key=_DAYS.index)
        start = _WEEK + timedelta(days=_DAYS.index(ordered[0]), hours=hour, minutes=minute)
        return cls(start, start + timedelta(hours=hours), f"FREQ=WEEKLY;BYDAY={','.join(ordered)}")
