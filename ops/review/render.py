"""The review as Markdown: the verdict first, then one section per environment.

What matters comes first in every section: data loss, replacements, IAM grants, then the
other Terraform changes; Kubernetes objects with their pod restarts and the NetworkPolicy,
RBAC and edge call-outs; checkov findings. Values are shortened to stay readable.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from ops.review.acknowledge import ACK_FILE
from ops.review.review import EnvReview, Review
from ops.review.terraform import MISSING, Attr, Resource

MAX_VALUE = 60
MAX_ATTRS = 6
MAX_LISTED = 15  # more plain additions or removals than this are counted by type


def value(v: Any) -> str:
    if v is MISSING:
        return "(unset)"
    text = v if isinstance(v, str) else json.dumps(v, sort_keys=True)
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def _around_difference(old: str, new: str) -> tuple[str, str]:
    """Two long strings that differ late: each shown from a little before the difference."""
    old, new = " ".join(old.split()), " ".join(new.split())
    at = next(
        (i for i, (x, y) in enumerate(zip(old, new, strict=False)) if x != y),
        min(len(old), len(new)),
    )
    start = max(0, at - MAX_VALUE // 3)
    return "…" + old[start:], "…" + new[start:]


def _attr(a: Attr) -> str:
    if isinstance(a.old, str) and isinstance(a.new, str) and value(a.old) == value(a.new):
        old, new = _around_difference(a.old, a.new)
        text = f"`{a.path}`: `{value(old)}` → `{value(new)}`"
    elif isinstance(a.old, list) and isinstance(a.new, list):
        plus = [x for x in a.new if x not in a.old]
        minus = [x for x in a.old if x not in a.new]
        change = " ".join([*(f"+{value(x)}" for x in plus), *(f"-{value(x)}" for x in minus)])
        text = f"`{a.path}`: {change or 'reordered'}"
    else:
        text = f"`{a.path}`: `{value(a.old)}` → `{value(a.new)}`"
    if a.replaces:
        text += " **(forces replacement)**"
    elif a.when:
        text += f" *(forces replacement {a.when})*"
    return text


def _attrs(attrs: list[Attr]) -> str:
    shown = sorted(attrs, key=lambda a: (not a.replaces, a.when is None))[:MAX_ATTRS]
    more = len(attrs) - len(shown)
    return "; ".join(_attr(a) for a in shown) + (f"; and {more} more" if more else "")


def render(review: Review) -> str:
    lines = [f"# Review of the generated artifacts: `{review.base}` → this change", ""]
    lines += _verdict(review)
    unchanged = [e.env for e in review.envs if e.status == "unchanged"]
    for env in review.envs:
        if env.status != "unchanged":
            lines += _env(env)
    if unchanged:
        lines += [f"Unchanged: {', '.join(unchanged)}.", ""]
    if review.checkov_note:
        lines += [f"*{review.checkov_note}*", ""]
    return "\n".join(lines).rstrip() + "\n"


def _verdict(review: Review) -> list[str]:
    lines = []
    if review.blocking:
        lines += [
            f"> [!CAUTION]\n> **{len(review.blocking)} data-bearing resource(s) destroyed or "
            "replaced, not acknowledged.** Their data is lost on apply. If that is intended, add "
            f"these entries to `{ACK_FILE}` in this change:",
            "",
            "```yaml",
            "acknowledged:",
        ]
        for loss in review.blocking:
            lines += [
                f"  - environment: {loss.env}",
                f"    resource: {loss.resource.address}",
                "    reason: <why this data may go>",
            ]
        lines += ["```", ""]
    for loss in review.losses:
        if loss.acknowledged:
            lines.append(
                f"- Acknowledged data loss in **{loss.env}**: `{loss.resource.address}` "
                f"({loss.acknowledged.reason})"
            )
    if review.unknown_types:
        lines.append(
            "- **No force-new entry** for "
            + ", ".join(f"`{t}`" for t in review.unknown_types)
            + ": whether their changes replace them is unknown (ops/review/force_new.json)."
        )
    if not any(e.status != "unchanged" for e in review.envs):
        lines.append("No environment's artifacts change.")
    return [*lines, ""] if lines else []


def _env(env: EnvReview) -> list[str]:
    title = {"added": " (new environment)", "removed": " (environment removed)"}.get(env.status, "")
    lines = [f"## {env.env}{title}", ""]
    if env.tf:
        lines += _terraform(env)
    if env.k8s:
        lines += _kubernetes(env)
    if env.new_findings or env.gone_findings:
        lines.append("**checkov**")
        lines += [f"- new: `{f.check}` on `{f.resource}`: {f.title}" for f in env.new_findings]
        lines += [f"- gone: `{f.check}` on `{f.resource}`" for f in env.gone_findings]
        lines.append("")
    return lines


def _count(changes: list[Resource], action: str) -> int:
    return sum(1 for c in changes if c.action == action)


def _terraform(env: EnvReview) -> list[str]:
    stack = env.new or env.old
    where = stack.stack_file if stack else ""
    tf = env.tf
    lines = [
        f"**Terraform** (`{where}`): {_count(tf, 'create')} added, {_count(tf, 'update')} "
        f"changed in place, **{_count(tf, 'replace')} replaced**, {_count(tf, 'delete')} "
        "removed",
        "",
    ]
    order = {"replace": 0, "delete": 1, "create": 2, "update": 3}
    grants_at = {g.address for g in env.grants}
    shown = [
        r
        for r in sorted(tf, key=lambda r: (r.data is None, order[r.action], r.address))
        if not (r.address in grants_at and r.action in ("create", "delete"))
    ]  # grants and revocations are listed below
    plain = [r for r in shown if r.action in ("create", "delete") and not r.data]
    if len(plain) > MAX_LISTED:  # a whole environment added or removed: counted by type
        shown = [r for r in shown if r not in plain]
        for action in ("delete", "create"):
            types = Counter(r.type for r in plain if r.action == action)
            if types:
                word = "removed" if action == "delete" else "added"
                counted = ", ".join(f"{n} `{t}`" for t, n in sorted(types.items()))
                shown_line = f"- {word}: {counted}"
                lines.append(shown_line if action == "create" else f"- **removed**: {counted}")
    lines += [_resource(r) for r in shown]
    if env.grants:
        lines += ["", "**IAM**"] if lines[-1] else ["**IAM**"]
        for g in env.grants:
            verb = "granted" if g.granted else "revoked"
            note = f" (condition: {g.condition})" if g.condition else ""
            if g.authoritative:
                note += " (authoritative binding: other members lose the role)"
            lines.append(f"- {verb} `{g.role}` to `{g.member}` on {g.target}{note}")
    return [*lines, ""]


def _resource(r: Resource) -> str:
    if r.action == "create":
        return f"- added `{r.address}`"
    mark = ""
    if r.data:
        mark = f" 🔥 **DATA LOSS: {r.data}**"
        if r.protected:
            mark += " (deletion_protection is on: the apply fails until it is turned off)"
    if r.action == "delete":
        return f"- **removed** `{r.address}`{mark}"
    if r.action == "replace":
        why = _attrs(r.attrs) if r.attrs else ""
        why = "; ".join(x for x in [why, *r.because] if x)
        return f"- ⚠️ **REPLACED** `{r.address}`{mark}: {why}"
    return f"- changed `{r.address}`: {_attrs(r.attrs)}"


def _kubernetes(env: EnvReview) -> list[str]:
    stack = env.new or env.old
    where = stack.manifest_dir if stack and stack.manifest_dir else "dist"
    k = env.k8s
    added = sum(1 for c in k if c.action == "create")
    removed = sum(1 for c in k if c.action == "delete")
    lines = [
        f"**Kubernetes** (`{where}/`): {added} added, {len(k) - added - removed} changed, "
        f"{removed} removed",
        "",
    ]
    for c in sorted(k, key=lambda c: (c.restart is None, c.callout is None, c.id)):
        tag = f" [{c.callout}]" if c.callout else ""
        if c.action == "create":
            line = f"- added `{c.id}`{tag}"
        elif c.action == "delete":
            line = f"- **removed** `{c.id}`{tag}"
        else:
            effect = ""
            if c.restart:
                effect = f"**pods restart**: {c.restart}; "
            elif c.scale:
                effect = f"scales {value(c.scale[0])} → {value(c.scale[1])}, no restart; "
            line = f"- changed `{c.id}`{tag}: {effect}{_attrs(c.attrs)}"
        lines.append(line)
        if c.action == "update":
            lines += [f"  - allows now: {r}" for r in c.rules_added]
            lines += [f"  - no longer: {r}" for r in c.rules_removed]
    return [*lines, ""]
