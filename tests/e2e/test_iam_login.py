"""`database.auth: iam` against a real PostgreSQL 18: the handover a password deployment makes,
then the same data read and written by the IAM login without any password.

What only Google does is stood in for, and nothing else:

* the Auth Proxy's `--auto-iam-authn` (Cloud SQL accepting the pod's OAuth token as the IAM
  user's login) is a pg_hba.conf `trust` line for that one user name on 127.0.0.1: the entry
  point connects without a password, as it does through the proxy;
* the roles Cloud SQL and Terraform create: `cloudsqlsuperuser` (NOLOGIN, CREATEROLE,
  CREATEDB, owner of the database that google_sql_database creates), the built-in user (its
  member, CREATEROLE, CREATEDB, a password) and the IAM service account user (google_sql_user
  CLOUD_IAM_SERVICE_ACCOUNT: LOGIN and no privileges at all).

The entry point, its URIs (the owner role through libpq's options), the handover SQL, MLflow's
migrations and store are the real ones: `mlflow-entrypoint db upgrade` is run as the
db-migrate init container runs it, with the ConfigMap entries k8s/database_auth writes for the
psc fixture (tests/configs/psc.yaml).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from mlflow.entities import ViewType
from mlflow_entrypoint.backend import backend_uri
from psycopg import sql

from settings import Settings
from tests.image.entrypoint_env import ENTRYPOINT, kek_file, run_entrypoint
from tests.support import pg18
from tests.support.configs import fixture_settings
from tests.support.net import free_port, wait_http_ok
from tests.support.postgres import PostgresServer

pytestmark = pytest.mark.e2e

PASSWORD = "".join(["built-in", "-", "login", "-value"])


@pytest.fixture(scope="module")
def settings() -> Settings:
    return fixture_settings("psc")


def _standin(settings: Settings, *, builtin: bool = True) -> Iterator[PostgresServer]:
    """builtin: the built-in login exists (a password deployment, or the handover path);
    False: a brand-new instance in IAM mode, where Terraform creates no built-in user."""
    names = settings.names
    pg = pg18.server()
    try:
        pg.init()
        hba = pg.data / "pg_hba.conf"
        # The stand-in for --auto-iam-authn, before initdb's scram-sha-256 line for TCP.
        hba.write_text(f'host all "{names.db_iam_user}" 127.0.0.1/32 trust\n' + hba.read_text())
        pg.start()
        with pg.connect() as conn:
            conn.execute("CREATE ROLE cloudsqlsuperuser NOLOGIN CREATEROLE CREATEDB")
            if builtin:
                conn.execute(
                    sql.SQL(
                        "CREATE ROLE {} LOGIN CREATEROLE CREATEDB PASSWORD {} "
                        "IN ROLE cloudsqlsuperuser"
                    ).format(sql.Identifier(names.db_user), sql.Literal(PASSWORD))
                )
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(names.db_iam_user)))
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER cloudsqlsuperuser").format(
                    sql.Identifier(names.database)
                )
            )
        yield pg
    finally:
        pg.cleanup()


@pytest.fixture
def instance(settings: Settings) -> Iterator[PostgresServer]:
    yield from _standin(settings)


@pytest.fixture
def new_instance(settings: Settings) -> Iterator[PostgresServer]:
    yield from _standin(settings, builtin=False)


def _lend(pg: PostgresServer, settings: Settings, *roles: str) -> None:
    """The stand-in for `gcloud sql users assign-roles <iam user> --database-roles=...`, which
    ops/db_bootstrap.py runs: Cloud SQL's own superuser grants the roles."""
    with pg.connect() as conn:
        for role in roles:
            conn.execute(
                sql.SQL("GRANT {} TO {}").format(
                    sql.Identifier(role), sql.Identifier(settings.names.db_iam_user)
                )
            )


def _take_back(pg: PostgresServer, settings: Settings, *roles: str) -> None:
    """The stand-in for `... --revoke-existing-roles --database-roles=<owner>`."""
    with pg.connect() as conn:
        for role in roles:
            conn.execute(
                sql.SQL("REVOKE {} FROM {}").format(
                    sql.Identifier(role), sql.Identifier(settings.names.db_iam_user)
                )
            )


def _member_of(pg: PostgresServer, user: str, role: str) -> bool:
    ((member,),) = pg.query("postgres", "SELECT pg_has_role(%s, %s, 'MEMBER')", user, role)
    return bool(member)


def _env(pg: PostgresServer, settings: Settings, tmp: Path, *, iam: bool) -> dict[str, str]:
    names = settings.names
    env = {
        "DB_HOST": pg.host,
        "DB_PORT": str(pg.port),
        "DB_NAME": names.database,
        "DB_OWNER_ROLE": names.db_owner_role,
        "AUTH_DB_NAME": names.auth_database,
        "KEK_PASSPHRASE_FILE": kek_file(
            tmp, {"version": 1, "passphrase": "p" * 40, "previous": []}
        ),
    }
    if iam:  # k8s/database_auth/iam.py's entries: no password file
        return {**env, "DB_USER": names.db_iam_user, "DB_BUILTIN_USER": names.db_user}
    password = tmp / "password"
    password.write_text(PASSWORD + "\n")
    return {
        **env,
        "DB_USER": names.db_user,
        "DB_PASSWORD_FILE": str(password),
        "DB_IAM_USER": names.db_iam_user,
    }


def _owners(pg: PostgresServer, database: str) -> set[str]:
    rows = pg.query(
        database,
        "SELECT DISTINCT pg_get_userbyid(c.relowner) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'",
    )
    return {owner for (owner,) in rows}


def test_password_deployment_hands_over_then_iam_keeps_the_data(
    instance: PostgresServer, settings: Settings, tmp_path: Path
) -> None:
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

    names = settings.names
    before = _env(instance, settings, tmp_path, iam=False)
    first = run_entrypoint(["db", "upgrade"], before, timeout=600)
    assert first.returncode == 0, first.stderr[-3000:]
    log = first.stdout + first.stderr
    assert f"creating the owner role {names.db_owner_role}" in log
    assert f"making {names.db_iam_user} a member of {names.db_owner_role}" in log

    # What a team has stored before the switch, written through the password login.
    store = SqlAlchemyStore(backend_uri(before), str(tmp_path / "artifacts"))
    kept = store.create_experiment("kept-across-the-switch")
    run = store.create_run(kept, user_id="alice", start_time=0, tags=[], run_name="r1")
    store.engine.dispose()

    # Every object of both databases belongs to the owner role, the auth database too.
    assert _owners(instance, names.database) == {names.db_owner_role}
    assert _owners(instance, names.auth_database) == {names.db_owner_role}
    ((auth_owner,),) = instance.query(
        "postgres",
        "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s",
        names.auth_database,
    )
    assert auth_owner == names.db_owner_role

    # The switch: the IAM login, no password file, the same database.
    after = _env(instance, settings, tmp_path, iam=True)
    second = run_entrypoint(["db", "upgrade"], after, timeout=600)
    assert second.returncode == 0, second.stderr[-3000:]
    assert f"acts as the owner role {names.db_owner_role}" in second.stdout + second.stderr
    uri = backend_uri(after)
    assert ":" not in uri.split("://", 1)[1].split("@", 1)[0]  # no password in the URI

    store = SqlAlchemyStore(uri, str(tmp_path / "artifacts"))
    try:
        assert store.get_experiment_by_name("kept-across-the-switch").experiment_id == kept
        assert store.get_run(run.info.run_id).info.run_name == "r1"
        store.log_param(run.info.run_id, _param("lr", "0.1"))
        assert store.get_run(run.info.run_id).data.params == {"lr": "0.1"}
        store.create_experiment("made-by-the-iam-login")
    finally:
        store.engine.dispose()
    # Sessions act as the owner role: still one owner of everything.
    assert _owners(instance, names.database) == {names.db_owner_role}
    # The project's tuning is the logins' own defaults, not the NOLOGIN role's.
    for user in (names.db_user, names.db_iam_user):
        ((config,),) = instance.query(
            "postgres", "SELECT rolconfig FROM pg_roles WHERE rolname = %s", user
        )
        assert "random_page_cost=1.1" in (config or []), (user, config)


def test_iam_on_a_database_never_bootstrapped_says_what_to_do(
    new_instance: PostgresServer, settings: Settings, tmp_path: Path
) -> None:
    proc = run_entrypoint(["db", "upgrade"], _env(new_instance, settings, tmp_path, iam=True))
    assert proc.returncode == 2, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    assert f"the role {settings.names.db_owner_role} does not exist" in proc.stderr
    assert "Run make apply" in proc.stderr
    assert "cloudsqlsuperuser" in proc.stderr


def _round_trip(uri: str, tmp: Path, name: str) -> None:
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

    store = SqlAlchemyStore(uri, str(tmp / "artifacts"))
    try:
        exp = store.create_experiment(name)
        run = store.create_run(exp, user_id="bob", start_time=0, tags=[], run_name="r")
        store.log_param(run.info.run_id, _param("k", "v"))
        assert store.get_run(run.info.run_id).data.params == {"k": "v"}
    finally:
        store.engine.dispose()


def test_brand_new_instance_bootstraps_with_no_password_anywhere(
    new_instance: PostgresServer, settings: Settings, tmp_path: Path
) -> None:
    """The default path: Terraform made no built-in user; make apply lends the IAM login
    cloudsqlsuperuser for one db-migrate, takes it back, and the pods run as members only."""
    names = settings.names
    env = _env(new_instance, settings, tmp_path, iam=True)
    _lend(new_instance, settings, "cloudsqlsuperuser")
    first = run_entrypoint(["db", "upgrade"], env, timeout=600)
    assert first.returncode == 0, first.stderr[-3000:]
    log = first.stdout + first.stderr
    assert f"bootstrap: creating the owner role {names.db_owner_role} as cloudsqlsuperuser" in log
    assert f"creating the auth database {names.auth_database}" in log
    assert f"may create and owns MLflow's objects in {names.auth_database}" in log
    _take_back(new_instance, settings, "cloudsqlsuperuser")
    assert not _member_of(new_instance, names.db_iam_user, "cloudsqlsuperuser")

    # What every server and gc pod runs from then on: the check, no privilege beyond the role.
    second = run_entrypoint(["db", "upgrade"], env, timeout=600)
    assert second.returncode == 0, second.stderr[-3000:]
    assert f"acts as the owner role {names.db_owner_role}" in second.stdout + second.stderr
    _round_trip(backend_uri(env), tmp_path, "written-by-iam")
    assert _owners(new_instance, names.database) == {names.db_owner_role}
    assert _owners(new_instance, names.auth_database) == {names.db_owner_role}
    # A re-run of the bootstrap (a Job retried, a lost marker) changes nothing.
    _lend(new_instance, settings, "cloudsqlsuperuser")
    again = run_entrypoint(["db", "upgrade"], env, timeout=600)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "creating the owner role" not in again.stdout + again.stderr
    assert _owners(new_instance, names.database) == {names.db_owner_role}


def test_the_server_serves_as_the_iam_login_after_the_bootstrap(
    new_instance: PostgresServer, settings: Settings, tmp_path: Path
) -> None:
    """What the pods run after `make apply`: `mlflow-entrypoint server` with the IAM login's
    URI (no password, sessions as the owner role), driven by MlflowClient over HTTP."""
    from mlflow import MlflowClient

    names = settings.names
    env = _env(new_instance, settings, tmp_path, iam=True)
    _lend(new_instance, settings, "cloudsqlsuperuser")
    boot = run_entrypoint(["db", "upgrade"], env, timeout=600)
    assert boot.returncode == 0, boot.stderr[-3000:]
    _take_back(new_instance, settings, "cloudsqlsuperuser")
    port = free_port()
    server_env = {
        "PATH": "/usr/bin:/bin",
        **env,
        "MLFLOW_ARTIFACTS_DESTINATION": (tmp_path / "artifacts").as_uri(),
    }
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(
        [str(ENTRYPOINT), "server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        env=server_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:

        def alive() -> None:
            if proc.poll() is not None:
                raise AssertionError((tmp_path / "server.log").read_text()[-3000:])

        wait_http_ok(f"http://127.0.0.1:{port}/health", timeout=120, each=alive)
        client = MlflowClient(f"http://127.0.0.1:{port}")
        exp = client.create_experiment("served-by-the-iam-login")
        run = client.create_run(exp)
        client.log_metric(run.info.run_id, "loss", 0.5)
        assert client.get_run(run.info.run_id).data.metrics == {"loss": 0.5}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
    assert _owners(new_instance, names.database) == {names.db_owner_role}
    # The server's sessions ran as the IAM login, nothing else logged in.
    assert not _member_of(new_instance, names.db_iam_user, "cloudsqlsuperuser")


def test_running_password_deployment_switches_through_the_bootstrap(
    instance: PostgresServer, settings: Settings, tmp_path: Path
) -> None:
    """A fork deployed before the owner role existed (tables owned by the built-in login) takes
    the new default: make apply lends cloudsqlsuperuser and the built-in login's role, and the
    bootstrap gives the owner role everything, data untouched."""
    names = settings.names
    legacy = {
        k: v
        for k, v in _env(instance, settings, tmp_path, iam=False).items()
        if k not in ("DB_OWNER_ROLE", "DB_IAM_USER")
    }
    made = run_entrypoint(["db", "upgrade"], legacy, timeout=600)
    assert made.returncode == 0, made.stderr[-3000:]
    assert _owners(instance, names.database) == {names.db_user}
    _round_trip(backend_uri(legacy), tmp_path, "kept-from-the-password-days")

    env = _env(instance, settings, tmp_path, iam=True)
    _lend(instance, settings, "cloudsqlsuperuser", names.db_user)
    boot = run_entrypoint(["db", "upgrade"], env, timeout=600)
    assert boot.returncode == 0, boot.stderr[-3000:]
    assert f"bootstrap: {names.db_owner_role} owns what {names.db_user} owned" in (
        boot.stdout + boot.stderr
    )
    _take_back(instance, settings, "cloudsqlsuperuser", names.db_user)

    check = run_entrypoint(["db", "upgrade"], env, timeout=600)
    assert check.returncode == 0, check.stderr[-3000:]
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

    store = SqlAlchemyStore(backend_uri(env), str(tmp_path / "artifacts"))
    try:
        exp = store.get_experiment_by_name("kept-from-the-password-days")
        assert exp is not None
        (run,) = store.search_runs([exp.experiment_id], None, ViewType.ALL)
        assert run.data.params == {"k": "v"}
        store.set_tag(run.info.run_id, _tag("switched", "yes"))
    finally:
        store.engine.dispose()
    assert _owners(instance, names.database) == {names.db_owner_role}
    assert _owners(instance, names.auth_database) == {names.db_owner_role}


def _param(key: str, value: str) -> object:
    from mlflow.entities import Param

    return Param(key, value)


def _tag(key: str, value: str) -> object:
    from mlflow.entities import RunTag

    return RunTag(key, value)
