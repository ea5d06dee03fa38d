"""Warnings about a valid config that is probably not what the team wants.

Printed on stderr by the cdktf entry point (so by `make synth`, `make deploy`, `make plan`), one
line each; they never stop a synth. Errors belong in the settings model instead.
"""

from __future__ import annotations

import sys

from settings.load import DEFAULT_ENV
from settings.model import Settings


def advice(settings: Settings) -> list[str]:
    notes = []
    if settings.state_bucket is None and settings.environment != DEFAULT_ENV:
        notes.append(
            f"config/{settings.environment}.yaml has no state_bucket: its Terraform state, which "
            "holds the generated database password, stays in the local file "
            f"terraform.{settings.names.terraform_stack}.tfstate on this machine; set "
            "state_bucket to share and protect it (README: A state bucket)"
        )
    return notes


def print_advice(settings: Settings) -> None:
    for note in advice(settings):
        print(f"warning: {note}", file=sys.stderr)
