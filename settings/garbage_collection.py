"""The garbage-collection CronJob's settings: when `mlflow gc` runs and what it removes."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from settings.workload import ContainerResources

# One cron field: *, a number, a range, a list, each with an optional /step (the five-field
# syntax of Kubernetes CronJobs, https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax;
# names such as MON or JAN are allowed in their fields).
_CRON_ITEM = r"(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(/[0-9]+)?"
_CRON_FIELD = rf"{_CRON_ITEM}(,{_CRON_ITEM})*"
_MACROS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
# `mlflow gc --older-than`: days, hours, minutes, seconds (mlflow/cli/__init__.py's regex).
_AGE = re.compile(r"(?=.)(\d+(\.\d+)?d)?(\d+(\.\d+)?h)?(\d+(\.\d+)?m)?(\d+(\.\d+)?s)?")

DEFAULT_RESOURCES: dict[str, Any] = {
    # Measured like db-migrate (an MLflow import, a few queries): ~230 MiB peak.
    "requests": {"cpu": "100m", "memory": "256Mi"},
    "limits": {"memory": "512Mi"},
}


def _schedule(value: str) -> str:
    if value in _MACROS:
        return value
    fields = value.split()
    if len(fields) != 5 or not all(re.fullmatch(_CRON_FIELD, f) for f in fields):
        raise ValueError(
            f"{value!r} is not a cron schedule: five fields (minute hour day-of-month month "
            "day-of-week), e.g. '30 2 * * *', or a macro such as @daily"
        )
    return value


def _age(value: str) -> str:
    if not _AGE.fullmatch(value):
        raise ValueError(
            f"{value!r} is not an age `mlflow gc --older-than` reads: days, hours, minutes, "
            "seconds, e.g. 30d, 12h, 1d12h"
        )
    return value


def _time_zone(value: str) -> str:
    from zoneinfo import available_timezones

    if value not in available_timezones():
        raise ValueError(f"{value!r} is not an IANA time zone, e.g. Etc/UTC or Europe/Paris")
    return value


class GarbageCollectionSettings(BaseModel):
    """A CronJob that runs `mlflow gc` with the server's identity: runs, experiments and logged
    models deleted (in MLflow's UI or API) longer ago than `older_than` are removed for good,
    rows and bucket objects."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = Field(
        True,
        description="Run on the schedule; false suspends the CronJob (a run by hand still "
        "works: docs/operate.md#garbage-collection).",
    )
    schedule: Annotated[str, AfterValidator(_schedule)] = Field(
        "30 2 * * *",
        description="Cron schedule, five fields (default: daily at 02:30, before the database "
        "backup at 03:00).",
    )
    time_zone: Annotated[str, AfterValidator(_time_zone)] = Field(
        "Etc/UTC", description="IANA time zone of the schedule (CronJob timeZone)."
    )
    older_than: Annotated[str, AfterValidator(_age)] = Field(
        "30d",
        description="Remove only what was deleted at least this long ago (`mlflow gc "
        "--older-than`): the time in which a deletion can still be undone.",
    )
    deadline_seconds: int = Field(
        3600,
        ge=60,
        le=86400,
        description="A run is stopped after this long (the Job's activeDeadlineSeconds).",
    )
    successful_jobs_history: int = Field(
        3, ge=0, le=100, description="Finished Jobs kept (with their pods' logs)."
    )
    failed_jobs_history: int = Field(3, ge=0, le=100, description="Failed Jobs kept.")
    resources: ContainerResources = Field(
        default_factory=lambda: ContainerResources.model_validate(DEFAULT_RESOURCES),
        description="Requests and limits of the `gc` container. Default: cpu 100m, memory "
        "256Mi requested, memory 512Mi limit.",
    )
