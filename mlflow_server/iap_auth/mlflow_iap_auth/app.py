"""`mlflow server --app-name iap-auth`: MLflow's auth app with IAP identities in front.

MLflow 3.17 loads an `mlflow.app` entry point as a factory; under uvicorn its auth app returns
the FastAPI app (Flask mounted inside, plus MLflow's FastAPI permission middleware, which calls
a custom `authorization_function` through a synthetic Flask request built from the headers).
This factory configures that auth app from the pod's environment, then wraps the result in
IapMiddleware, so every request, Flask or FastAPI route, is decided before MLflow sees it, and
that in guard.RequestGuard, which refuses a request whose headers or paths another layer could
read differently before anything reads them.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from mlflow_entrypoint.contract import METRICS_PATH

from mlflow_iap_auth.config import IapConfig

INI = Path(__file__).with_name("auth.ini")


def create_app() -> Any:
    config = IapConfig.from_env()
    # Read by mlflow.server.auth at import: set before it is imported.
    os.environ["MLFLOW_AUTH_CONFIG_PATH"] = str(INI)
    # The auth app needs a static key for its sign-up form's CSRF token and for flashing; that
    # form is unused here (no passwords), so a per-process key is enough.
    os.environ.setdefault("MLFLOW_FLASK_SERVER_SECRET_KEY", secrets.token_urlsafe(32))
    import mlflow.server.auth as auth

    from mlflow_iap_auth import caches, fastpath, identity, limits, privilege, usertag
    from mlflow_iap_auth.assertion import KeySet, Verifier
    from mlflow_iap_auth.audience import audience_for
    from mlflow_iap_auth.guard import ExperimentScope, RequestGuard
    from mlflow_iap_auth.middleware import IapMiddleware

    bootstrap_admin = sorted(config.admins)[0]
    auth.auth_config = auth.auth_config._replace(
        database_uri=config.auth_database_uri,
        default_permission=config.default_permission,
        # MLflow creates this admin on an empty user store and needs a password for it: a
        # random one nobody ever sees (requests are never authenticated by password here).
        admin_username=bootstrap_admin,
        admin_password=secrets.token_urlsafe(32),
    )
    identity.configure(config.admins)
    # /metrics (--expose-prometheus) has no validator, so MLflow's fail-closed default refuses
    # it: Managed Prometheus scrapes it as the in-cluster user. It holds request counts and
    # latencies, no experiment data: any authenticated caller may read it.
    auth.BEFORE_REQUEST_VALIDATORS[(METRICS_PATH, "GET")] = lambda: True
    caches.install(auth)
    privilege.install(auth, user=config.port_forward_user, cap=config.port_forward_permission)
    app = auth.create_app()
    fastpath.install(app, auth)
    auth.app.before_request(identity.attribute_run)
    auth.app.before_request(usertag.refuse_foreign_user_tag)
    audience = audience_for(config)
    audience.start()
    verifier = Verifier(config, KeySet(config.keys_url), audience)
    # The request's shape first (guard.py), then the caller, then the artifact paths' scope,
    # then the bounded work (limits.py), which needs the caller the middleware decided.
    scoped = ExperimentScope(limits.install(app), config.admins)
    return RequestGuard(IapMiddleware(scoped, config, verifier))
