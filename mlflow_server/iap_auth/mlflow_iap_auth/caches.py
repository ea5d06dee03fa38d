"""Caches for MLflow's permission checks, so that logging a metric stays cheap.

Measured (bench/server_perf.py): with MLflow's auth app as shipped, every log-metric call
loads the whole run (5-7 queries) only to learn its experiment, and reads the caller's user
row to know whether they are an admin, before the permission query itself: the server then
answers 0.4x the requests it answers without permissions.

* A run's experiment never changes, so the auth app's tracking store answers `get_run` from a
  cache of run id -> experiment id once it has seen the run. The auth app reads nothing but
  `run.info.experiment_id` from it (mlflow/server/auth/__init__.py, MLflow 3.17: the run
  requirement, the bulk metric history check, GraphQL). A run that does not exist is never
  cached, so it is still refused.
* The caller's user row (admin flag, id) and grants are cached for TTL_SECONDS (5 s): a
  change through this replica applies at once (the caches are cleared on every write), one
  through another replica within 5 s. See Users.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from types import SimpleNamespace
from typing import Any

TTL_SECONDS = 5.0
MAX_RUNS = 50_000


class RunExperiments:
    """The tracking store, as the auth app sees it: get_run from cache, the rest delegated."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self._experiments: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def get_run(self, run_id: str) -> Any:
        with self._lock:
            experiment = self._experiments.get(run_id)
        if experiment is None:
            run = self._store.get_run(run_id)  # raises for a missing run, as before
            experiment = str(run.info.experiment_id)
            with self._lock:
                self._experiments[run_id] = experiment
                while len(self._experiments) > MAX_RUNS:
                    self._experiments.popitem(last=False)
        return SimpleNamespace(info=SimpleNamespace(run_id=run_id, experiment_id=experiment))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


_READS = ("get_", "list_", "has_", "authenticate", "check_", "is_")


class Users:
    """The auth app's user store with two short-lived caches, dropped on every change.

    Every request reads the caller's user row (is the sender an admin; their id) and their
    grants (one query that joins roles and permissions), which together cost more than the
    logging call itself. `get_user` and `list_grants` answers are kept for TTL_SECONDS. Any
    other call that is not a read (a grant, a revocation, a role or user change) clears both
    caches before and after it runs, so a change made through this replica applies at once;
    one made through another replica applies within TTL_SECONDS.
    """

    def __init__(self, store: Any, clock: Any = time.monotonic) -> None:
        self._store, self._clock = store, clock
        self._cache: dict[tuple[Any, ...], tuple[Any, float]] = {}
        self._lock = threading.Lock()

    def _cached(self, key: tuple[Any, ...], compute: Any) -> Any:
        now = self._clock()
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and hit[1] > now:
            return hit[0]
        value = compute()
        with self._lock:
            self._cache[key] = (value, now + TTL_SECONDS)
            if len(self._cache) > 10_000:
                self._cache.clear()
        return value

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    def get_user(self, username: str) -> Any:
        return self._cached(("user", username), lambda: self._store.get_user(username))

    def list_grants(self, user_id: Any, workspace: Any, resource_types: Any) -> Any:
        key = ("grants", user_id, workspace, frozenset(resource_types))
        return self._cached(
            key, lambda: self._store.list_grants(user_id, workspace, resource_types)
        )

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._store, name)
        if not callable(attr) or name.startswith(_READS) or name.startswith("_"):
            return attr

        def change(*args: Any, **kwargs: Any) -> Any:
            self.clear()
            try:
                return attr(*args, **kwargs)
            finally:
                self.clear()

        return change


def install(auth: Any) -> None:
    """Put both caches into MLflow's auth module (mlflow.server.auth)."""
    real_tracking_store = auth._get_tracking_store
    holder: dict[str, RunExperiments] = {}

    def tracking_store() -> RunExperiments:
        if "store" not in holder:
            holder["store"] = RunExperiments(real_tracking_store())
        return holder["store"]

    auth._get_tracking_store = tracking_store
    auth.store = Users(auth.store)
