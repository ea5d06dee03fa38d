"""`make deploy`'s first step with `encryption` (CMEK): the service agents Google creates lazily.

    python -m ops.service_agents

The stack grants each resource's service agent the use of its key before the resource is
created (infra/encryption.py). Two agents do not exist in a new project until their service
first needs them, and a grant to an account that does not exist fails the apply: Cloud SQL's
and Secret Manager's (https://cloud.google.com/sql/docs/postgres/cmek,
https://cloud.google.com/secret-manager/docs/cmek: "gcloud beta services identity create").
google_project_service_identity, which would create them in Terraform, is in the google-beta
provider only. So, for each use that has a key:

1. `gcloud services enable <api>` (Terraform's google_project_service adopts an enabled API);
2. `gcloud beta services identity create --service=<api>`, which returns the agent (and creates
   it when missing: idempotent);
3. the agent's email must be the one the stack grants (service-<project_number>@<domain>):
   a wrong `project_number` in the config would grant an account that is not the agent.

Without `encryption`, nothing to do. The deployer's own gcloud login makes the calls.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence

from ops.cli import run
from settings import Settings, load_settings
from settings.encryption import AGENT_DOMAINS, LAZY_AGENT_APIS

Runner = Callable[[Sequence[str]], str]


class AgentError(Exception):
    """A step failed: the message says what, and what to do."""


def gcloud(argv: Sequence[str]) -> str:
    print(f"+ {' '.join(argv)}", flush=True)
    proc = subprocess.run(list(argv), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise AgentError(f"`{' '.join(argv)}` exited {proc.returncode}: {proc.stderr.strip()}")
    return proc.stdout


def lazy_agents(settings: Settings) -> dict[str, str | None]:
    """api -> the agent's expected email (None without project_number: the stack reads the
    number then, and so does gcloud), for the uses that have a key."""
    enc, number = settings.encryption, settings.project_number
    return {
        api: f"service-{number}@{AGENT_DOMAINS[use]}" if number else None
        for use, api in LAZY_AGENT_APIS.items()
        if enc.key_for(use)
    }


def ensure(settings: Settings, run_gcloud: Runner = gcloud) -> list[str]:
    """Create the lazily made agents; their emails, checked against the stack's grants."""
    agents = lazy_agents(settings)
    if not agents:
        return []
    project = f"--project={settings.project_id}"
    run_gcloud(["gcloud", "services", "enable", *agents, project])
    made = []
    for api, expected in agents.items():
        out = run_gcloud(
            [
                "gcloud",
                "beta",
                "services",
                "identity",
                "create",
                f"--service={api}",
                project,
                "--format=value(email)",
            ]
        ).strip()
        if expected is not None and out != expected:
            raise AgentError(
                f"the {api} service agent is {out or '(none)'}, the stack grants {expected}: "
                f"check project_number ({settings.project_number}) against `gcloud projects "
                f"describe {settings.project_id} --format='value(projectNumber)'`"
            )
        made.append(out)
    return made


def main() -> int:
    settings = load_settings()
    if not lazy_agents(settings):
        return 0
    if shutil.which("gcloud") is None:
        print(
            "error: encryption (CMEK) needs the Google Cloud CLI before make deploy, to create "
            "the Cloud SQL and Secret Manager service agents: install it and run gcloud auth "
            "login",
            file=sys.stderr,
        )
        return 1
    try:
        for email in ensure(settings):
            print(f"service agent {email} exists", flush=True)
    except AgentError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    run(lambda: sys.exit(main()))
