"""What applying the new Terraform JSON would do to the old one's resources, read offline.

A resource is added, removed, changed in place or replaced. Replacement comes from the
force-new table (force_new.py) for the attributes that changed, and spreads along references:
a force-new argument that reads an attribute of a replaced resource which is not a literal
in that resource's configuration (an id, a self link) changes too, so the referring resource
is replaced as well; one that reads a literal (a name) changes only when the literal does.
That is the plan `terraform plan` would show for these arguments, without state or
credentials; what only state shows (drift, a disk grown by autoresize) it cannot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ops.review.force_new import forces_replacement, rules, schema_path

# Lost when destroyed: what holds the deployment's data, and the name of what is lost.
DATA_BEARING = {
    "google_sql_database_instance": "the Cloud SQL instance and every database in it",
    "google_sql_database": "the MLflow database (runs, experiments, users)",
    "google_storage_bucket": "the bucket's objects",
    "google_secret_manager_secret": "the secret and all its versions",  # pragma: allowlist secret
    "google_secret_manager_secret_version": "the secret value",  # pragma: allowlist secret
    # pragma: allowlist nextline secret
    "google_secret_manager_regional_secret": "the secret and all its versions",
    "google_secret_manager_regional_secret_version": "the secret value",  # pragma: allowlist secret
    "google_artifact_registry_repository": "the repository's images",
}
# Not arguments of the resource: never force replacement, not shown.
META = {"//", "depends_on"}
REFERENCE = re.compile(r"\$\{([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)")


@dataclass
class Attr:
    path: str
    old: Any  # MISSING when added
    new: Any  # MISSING when removed
    replaces: bool = False
    when: str | None = None  # replaces only in this case


class _Missing:
    def __repr__(self) -> str:
        return "(unset)"


MISSING: Any = _Missing()


@dataclass
class Resource:
    type: str
    name: str
    action: str  # create | update | replace | delete
    config: dict[str, Any]  # the new configuration, the old one when deleted
    old_config: dict[str, Any] | None = None
    attrs: list[Attr] = field(default_factory=list)
    because: list[str] = field(default_factory=list)  # why it is replaced, through references

    @property
    def address(self) -> str:
        return f"{self.type}.{self.name}"

    @property
    def data(self) -> str | None:
        """What is lost, when this destroys a data-bearing resource."""
        if self.action not in ("replace", "delete") or self.type not in DATA_BEARING:
            return None
        config = self.old_config or self.config
        # A version with deletion_policy DISABLE or ABANDON is disabled or kept, not destroyed.
        if config.get("deletion_policy") in ("DISABLE", "ABANDON"):
            return None
        return DATA_BEARING[self.type]

    @property
    def protected(self) -> bool:
        """Terraform refuses the destroy until deletion_protection is turned off first."""
        return (self.old_config or self.config).get("deletion_protection") is True

    @property
    def unknown_type(self) -> bool:
        return self.type not in rules()


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Leaves by path: nested blocks dotted, lists of blocks indexed, other lists whole."""
    if isinstance(value, dict) and value:
        out: dict[str, Any] = {}
        for key, sub in value.items():
            if not prefix and key in META:
                continue
            out.update(flatten(sub, f"{prefix}.{key}" if prefix else key))
        return out
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        out = {}
        for i, sub in enumerate(value):
            out.update(flatten(sub, f"{prefix}[{i}]"))
        return out
    return {prefix: value}


def _resources(doc: dict[str, Any] | None) -> dict[tuple[str, str], dict[str, Any]]:
    found = {}
    for rtype, by_name in ((doc or {}).get("resource") or {}).items():
        for name, config in by_name.items():
            found[(rtype, name)] = config
    return found


def _moved(
    before: dict[tuple[str, str], dict[str, Any]], new: dict[str, Any] | None
) -> dict[tuple[str, str], dict[str, Any]]:
    """`before` with the addresses the new configuration's `moved` blocks rename: Terraform
    moves those in state, so they compare as one resource, never a removal plus an addition."""
    renamed = dict(before)
    for move in (new or {}).get("moved") or []:
        source = tuple(str(move.get("from", "")).split(".", 1))
        target = tuple(str(move.get("to", "")).split(".", 1))
        if len(source) == 2 and len(target) == 2 and source in renamed and target not in renamed:
            renamed[target] = renamed.pop(source)
    return renamed


def diff(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[Resource]:
    """Every resource that is added, removed, changed or replaced, in address order."""
    before, after = _moved(_resources(old), new), _resources(new)
    changes: dict[tuple[str, str], Resource] = {}
    for key in sorted(before.keys() | after.keys()):
        rtype, name = key
        if key not in after:
            changes[key] = Resource(rtype, name, "delete", before[key])
        elif key not in before:
            changes[key] = Resource(rtype, name, "create", after[key])
        else:
            attrs = _attrs(rtype, before[key], after[key])
            if attrs:
                action = "replace" if any(a.replaces for a in attrs) else "update"
                changes[key] = Resource(rtype, name, action, after[key], before[key], attrs)
    _spread(changes, before, after, _defaults_changed(old, new))
    return list(changes.values())


# Arguments a resource that leaves them unset takes from the provider block.
PROVIDER_DEFAULTS = ("project", "region", "zone")


def _defaults_changed(old: dict[str, Any] | None, new: dict[str, Any] | None) -> set[str]:
    def google(doc: dict[str, Any] | None) -> dict[str, Any]:
        blocks = ((doc or {}).get("provider") or {}).get("google") or [{}]
        return blocks[0] if isinstance(blocks, list) and blocks else {}

    a, b = google(old), google(new)
    return {key for key in PROVIDER_DEFAULTS if a.get(key) != b.get(key)}


def _attrs(rtype: str, old: dict[str, Any], new: dict[str, Any]) -> list[Attr]:
    a, b = flatten(old), flatten(new)
    attrs = []
    for path in sorted(a.keys() | b.keys()):
        was, now = a.get(path, MISSING), b.get(path, MISSING)
        if was == now:
            continue
        attr = Attr(path, was, now)
        if rtype in rules() and not path.startswith(("lifecycle", "provisioner")):
            attr.replaces, attr.when = forces_replacement(
                rtype, path, block_count_changed=lambda e: _count(a, e) != _count(b, e)
            )
        attrs.append(attr)
    return attrs


def _count(flat: dict[str, Any], block: str) -> int:
    """How many elements the nested block `block` (a schema path) has, anywhere in `flat`."""
    found = set()
    for path in flat:
        parts = path.split(".")
        for n in range(1, len(parts) + 1):
            head = ".".join(parts[:n])
            if schema_path(head) == block:
                found.add(head)
                break
    return len(found)


def _spread(
    changes: dict[tuple[str, str], Resource],
    before: dict[tuple[str, str], dict[str, Any]],
    after: dict[tuple[str, str], dict[str, Any]],
    defaults_changed: set[str],
) -> None:
    """Replace what a force-new argument ties to a replaced resource's changing attribute."""
    grew = True
    while grew:
        grew = False
        replaced = {k for k, c in changes.items() if c.action == "replace"}
        for key, config in after.items():
            if key not in before or key in replaced or key[0] not in rules():
                continue
            for path, value in flatten(config).items():
                if not forces_replacement(key[0], path)[0]:
                    continue
                for rtype, name, attr in REFERENCE.findall(str(value)):
                    target = (rtype, name)
                    if target in replaced and _attribute_changes(
                        changes[target], attr, defaults_changed
                    ):
                        change = changes.get(key) or Resource(
                            key[0], key[1], "update", config, before[key]
                        )
                        change.action = "replace"
                        change.because.append(
                            f"{path} reads {rtype}.{name}.{attr}, which the replacement changes"
                        )
                        changes[key] = change
                        grew = True
                        break
                if changes.get(key) and changes[key].action == "replace":
                    break
    for key in sorted(changes):
        changes[key] = changes.pop(key)  # keep address order after insertions


def _attribute_changes(target: Resource, attr: str, defaults_changed: set[str]) -> bool:
    """Whether `attr` of a replaced resource differs afterwards: a literal argument only
    when its value changed, one taken from the provider block only when that one changed,
    anything the provider computes (id, self_link, email) always."""
    new = target.config.get(attr, MISSING)
    if new is MISSING and attr in PROVIDER_DEFAULTS:
        return attr in defaults_changed
    if new is MISSING or isinstance(new, dict | list) or "${" in str(new):
        return True
    return (target.old_config or {}).get(attr, MISSING) != new


def reference_name(value: Any) -> str:
    """`${google_storage_bucket.artifacts_1A2B.name}` -> `google_storage_bucket.artifacts_1A2B`."""
    text = str(value)
    match = REFERENCE.match(text)
    if match and text.endswith("}") and match.end() == len(text) - 1:
        return f"{match.group(1)}.{match.group(2)}"
    return text
