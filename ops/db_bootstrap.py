"""`make apply`'s first step with `database.auth: iam`: the one-time database bootstrap, with no
password anywhere.

    python -m ops.db_bootstrap [--kubectl "kubectl --context X"]

Cloud SQL creates an IAM database user with "no privileges on any databases"
(https://cloud.google.com/sql/docs/postgres/iam-logins), and a deployment made in password mode
has its tables owned by the built-in login. Someone must once create the role that owns MLflow's
tables (`names.db_owner_role`) and make the IAM login its member. Here that someone is the IAM
login itself, for the length of one Job:

1. The cluster's marker ConfigMap `<service>-db-bootstrap` says it was done: nothing to do
   (the server's db-migrate checks the membership at every start anyway).
2. `gcloud sql users list`: the IAM user exists (make deploy made it); the built-in login of an
   earlier password deployment is noted when it exists.
3. `gcloud sql users assign-roles <iam user> --type=CLOUD_IAM_SERVICE_ACCOUNT
   --database-roles=cloudsqlsuperuser[,<built-in login>]`
   (https://cloud.google.com/sdk/gcloud/reference/sql/users/assign-roles: "You can include
   predefined Cloud SQL roles, like cloudsqlsuperuser, or your own custom roles").
4. The namespace, ServiceAccount, ConfigMap and NetworkPolicies applied, then the db-migrate Job
   of `make upgrade` (k8s/migrate_job.py) run once and waited for: its `db upgrade` sees the
   lent role and bootstraps (mlflow_server/.../bootstrap.py), then migrates.
5. Always, success or not: `assign-roles --revoke-existing-roles --database-roles=<owner>`
   (after a failure, `--revoke-existing-roles` alone): the login keeps the owner role only.
6. The Job deleted, the marker written.

No credential is created, printed or stored: the deployer's own gcloud login makes the two
Admin API calls, and the Job logs in with the pods' Workload Identity.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from ops.cli import run
from ops.upgrade import Runner, Upgrade, UpgradeError, shell_runner
from settings import Settings, load_settings
from settings.database import Login

ELEVATION_ROLE = "cloudsqlsuperuser"
# Everything the Job needs before it can start: its namespace, ServiceAccount and ConfigMap
# (10-config), and the NetworkPolicies that let it reach the proxy's endpoints (40-policy).
PREREQUISITES = ("00-namespace.k8s.yaml", "10-config.k8s.yaml", "40-policy.k8s.yaml")


def needed(settings: Settings) -> bool:
    return settings.target.is_gke and settings.database.auth is Login.IAM


@dataclass(frozen=True)
class Bootstrap:
    upgrade: Upgrade

    @property
    def run(self) -> Runner:
        return self.upgrade.run

    @property
    def marker(self) -> str:
        return f"{self.upgrade.names.service}-db-bootstrap"

    def assign(self, *flags: str) -> list[str]:
        n = self.upgrade.names
        return self.upgrade.gcloud(
            "sql",
            "users",
            "assign-roles",
            n.db_iam_user,
            f"--instance={n.sql_instance}",
            "--type=CLOUD_IAM_SERVICE_ACCOUNT",
            *flags,
        )

    def done_before(self) -> bool:
        out = self.run(
            self.upgrade.k("get", f"configmap/{self.marker}", "--ignore-not-found", "-o", "name")
        )
        return bool(out.strip())

    def users(self) -> dict[str, str]:
        """The instance's users: name -> type."""
        n = self.upgrade.names
        out = self.run(
            self.upgrade.gcloud(
                "sql", "users", "list", f"--instance={n.sql_instance}", "--format=json"
            )
        )
        try:
            # A built-in user's type may be left out (the enum's default).
            return {u["name"]: u.get("type") or "BUILT_IN" for u in json.loads(out or "[]")}
        except (TypeError, KeyError, ValueError):
            raise UpgradeError(f"cannot read the users of {n.sql_instance}: {out!r}") from None

    def __call__(self) -> None:
        n = self.upgrade.names
        if self.done_before():
            print(f"database bootstrap: done before (configmap/{self.marker})", flush=True)
            return
        users = self.users()
        if n.db_iam_user not in users:
            raise UpgradeError(
                f"the IAM database user {n.db_iam_user} does not exist in {n.sql_instance}: "
                "run make deploy first"
            )
        lent = [ELEVATION_ROLE]
        if users.get(n.db_user) == "BUILT_IN":  # an earlier password deployment: its objects move
            lent.append(n.db_user)
        outdir = self.upgrade.outdir
        for chart in PREREQUISITES:
            self.run([*self.upgrade.kubectl, "apply", "-f", f"{outdir}/{chart}"])
        print(f"database bootstrap: lending {', '.join(lent)} to {n.db_iam_user}", flush=True)
        self.run(self.assign(f"--database-roles={','.join(lent)}"))
        ok = False
        try:
            self.upgrade.migrate()
            ok = True
        finally:
            keep = [f"--database-roles={n.db_owner_role}"] if ok else []
            try:
                self.run(self.assign("--revoke-existing-roles", *keep))
            except UpgradeError as exc:
                command = shlex.join(self.assign("--revoke-existing-roles", *keep))
                raise UpgradeError(
                    f"{exc}: {n.db_iam_user} may still hold {ELEVATION_ROLE}; take it back "
                    f"now: {command}"
                ) from None
        self.run(self.upgrade.k("delete", f"job/{self.upgrade.job}", "--ignore-not-found"))
        self.run(
            self.upgrade.k(
                "create",
                "configmap",
                self.marker,
                f"--from-literal=instance={n.sql_instance}",
                f"--from-literal=owner={n.db_owner_role}",
            )
        )
        print(
            f"database bootstrap: {n.db_owner_role} owns MLflow's tables, {n.db_iam_user} is "
            f"its member and holds nothing else",
            flush=True,
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kubectl", default="kubectl", help="kubectl with its --context")
    args = parser.parse_args(argv)
    settings = load_settings()
    if not needed(settings):
        return 0
    upgrade = Upgrade(settings=settings, kubectl=tuple(shlex.split(args.kubectl)), run=shell_runner)
    try:
        Bootstrap(upgrade)()
    except UpgradeError as exc:
        print(f"error: the database bootstrap stopped: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    run(lambda: sys.exit(main()))
