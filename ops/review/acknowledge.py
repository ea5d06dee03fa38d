"""The explicit acknowledgement a change needs before it destroys or replaces data.

A committed file, .github/data-loss-acknowledged.yaml, names each data-bearing resource that
may go, per environment, with a reason. Only the entries the change itself adds count (those
not in the file at BASE): an acknowledgement is reviewed in the same diff as the destruction
it allows, and an old entry never waves through a later change. Why a file and not a pull
request label: docs/review.md ("Acknowledging data loss").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ops.review.sources import ReviewError, git

ACK_FILE = ".github/data-loss-acknowledged.yaml"
MIN_REASON = 10


@dataclass(frozen=True)
class Ack:
    environment: str
    resource: str  # the Terraform address: <type>.<name>
    reason: str


def parse(text: str | None, *, where: str) -> set[Ack]:
    if not text:
        return set()
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ReviewError(f"{ACK_FILE} {where}: not valid YAML: {exc}") from None
    entries = data.get("acknowledged") if isinstance(data, dict) else None
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        raise ReviewError(f"{ACK_FILE} {where}: 'acknowledged' must be a list of entries")
    acks = set()
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not {"environment", "resource", "reason"} <= set(entry):
            raise ReviewError(
                f"{ACK_FILE} {where}: acknowledged[{i}] must have environment, resource "
                f"(the Terraform address the summary prints) and reason, got {entry!r}"
            )
        reason = str(entry["reason"]).strip()
        if len(reason) < MIN_REASON:
            raise ReviewError(
                f"{ACK_FILE} {where}: acknowledged[{i}].reason {reason!r} is too short: say "
                f"why the data may go (at least {MIN_REASON} characters)"
            )
        acks.add(Ack(str(entry["environment"]), str(entry["resource"]), reason))
    return acks


def new_acknowledgements(base: str, repo: Path) -> set[Ack]:
    """The entries in the working tree's file that were not in it at `base`."""
    path = repo / ACK_FILE
    now = parse(path.read_text(encoding="utf-8") if path.is_file() else None, where="")
    try:
        then_text: str | None = git("show", f"{base}:{ACK_FILE}", cwd=repo)
    except ReviewError:
        then_text = None  # no such file at BASE
    then = parse(then_text, where=f"at {base[:12]}")
    known = {(a.environment, a.resource) for a in then}
    return {a for a in now if (a.environment, a.resource) not in known}
