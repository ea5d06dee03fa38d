"""IAM grants and revocations among the Terraform changes: who gets which role on what.

The project grants with `*_iam_member` resources only (one member, one role, one target; never
an authoritative `_iam_binding` or `_iam_policy`, which would remove grants made elsewhere).
A binding or a policy in the output is reported as such, members listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ops.review.terraform import Resource, reference_name

# The arguments that are neither the grant nor its target.
_NOT_TARGET = {"member", "members", "role", "condition", "policy_data"}


@dataclass(frozen=True)
class Grant:
    granted: bool  # False: revoked
    member: str
    role: str
    target: str  # what the role is on: `project my-project`, `bucket <ref>`
    address: str
    condition: str | None = None  # the IAM condition's title, when the grant has one
    authoritative: bool = False  # an _iam_binding: every other member of the role loses it


def is_iam(rtype: str) -> bool:
    return rtype.endswith(("_iam_member", "_iam_binding", "_iam_policy"))


def _target(rtype: str, config: dict[str, Any]) -> str:
    kind = rtype.removeprefix("google_").rsplit("_iam_", 1)[0].replace("_", " ")
    where = [
        f"{key} {reference_name(value)}"
        for key, value in sorted(config.items())
        if key not in _NOT_TARGET and not key.startswith("//") and key != "depends_on"
    ]
    return f"{kind} ({', '.join(where)})" if where else kind


def _members(config: dict[str, Any]) -> list[str]:
    if "member" in config:
        return [str(config["member"])]
    return [str(m) for m in config.get("members") or []]


def grants(changes: list[Resource]) -> list[Grant]:
    """Granted and revoked (member, role) pairs; a changed grant is a revocation and a grant."""
    out: list[Grant] = []
    for change in changes:
        if not is_iam(change.type):
            continue
        binding = change.type.endswith("_iam_binding")
        old = change.old_config if change.action in ("update", "replace") else None
        if change.action == "delete":
            old = change.config
        new = change.config if change.action != "delete" else None
        before = _pairs(change.type, old)
        after = _pairs(change.type, new)
        for member, role, target, cond in sorted(after - before, key=str):
            out.append(Grant(True, member, role, target, change.address, cond, binding))
        for member, role, target, cond in sorted(before - after, key=str):
            out.append(Grant(False, member, role, target, change.address, cond, binding))
    return out


def _pairs(rtype: str, config: dict[str, Any] | None) -> set[tuple[str, str, str, str | None]]:
    if not config:
        return set()
    role = reference_name(config.get("role", "(policy)"))
    condition = config.get("condition")
    title = str(condition.get("title")) if isinstance(condition, dict) else None
    return {(reference_name(m), role, _target(rtype, config), title) for m in _members(config)}
