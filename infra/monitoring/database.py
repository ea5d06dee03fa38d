"""Cloud SQL's disk and CPU: the one signal every platform gets, since every platform has the
database. A full disk stops MLflow's writes; a busy CPU queues its requests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infra.monitoring.charts import SQL_CPU, SQL_DISK, Chart, metric_filter

if TYPE_CHECKING:
    from infra.monitoring.core import Monitoring


def watch_database(monitoring: Monitoring, *, database_id: str) -> None:
    """Cloud SQL's disk and CPU. database_id: `<project>:<instance>`."""
    t = monitoring.thresholds
    disk = Chart(
        "Cloud SQL disk utilization",
        metric_filter(SQL_DISK, "cloudsql_database", resource__label__database_id=database_id),
        "ALIGN_MEAN",
        period="300s",
        threshold=t.database_disk_percent / 100,
    )
    cpu = Chart(
        "Cloud SQL CPU utilization",
        metric_filter(SQL_CPU, "cloudsql_database", resource__label__database_id=database_id),
        "ALIGN_MEAN",
        period="300s",
        threshold=t.database_cpu_percent / 100,
    )
    monitoring.charts += [cpu, disk]
    monitoring.alert(
        "database-disk",
        title=f"Cloud SQL disk over {t.database_disk_percent}%",
        conditions=[
            monitoring.above(
                "disk utilization", disk, threshold=disk.threshold or 0, duration_seconds=600
            )
        ],
        severity="WARNING",
        documentation=(
            f"The disk of Cloud SQL instance `{database_id}` is more than "
            f"{t.database_disk_percent}% full. It grows by itself up to "
            "`database.disk_autoresize_limit_gb`: at the limit, writes stop. Raise the "
            "limit (or `database.disk_size_gb`) and `make deploy`, or run `mlflow gc` "
            "(docs/operate.md#garbage-collection) if deleted runs hold the space."
        ),
    )
    monitoring.alert(
        "database-cpu",
        title=f"Cloud SQL CPU over {t.database_cpu_percent}%",
        conditions=[
            monitoring.above(
                "CPU utilization",
                cpu,
                threshold=cpu.threshold or 0,
                duration_seconds=60 * t.database_cpu_minutes,
            )
        ],
        severity="WARNING",
        documentation=(
            f"Cloud SQL instance `{database_id}` has been more than "
            f"{t.database_cpu_percent}% busy for {t.database_cpu_minutes} minutes: MLflow's "
            "requests queue. Query Insights (console, the instance's page) names the "
            "statements; a larger `database.tier` is the usual fix."
        ),
    )
