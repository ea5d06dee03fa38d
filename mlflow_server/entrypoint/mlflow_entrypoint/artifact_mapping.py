"""The rewrite tool's mappings (`--map OLD=NEW`): parsed, and refused when they are ambiguous.

A mapping whose result would depend on the order of the mappings, or whose rewritten values
would match an OLD again, is refused before the database is touched (exit 2).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mlflow_entrypoint.contract import MLFLOW_ARTIFACTS_DESTINATION_ENV

PROXIED = "mlflow-artifacts:"
# Cloud Storage bucket names: https://cloud.google.com/storage/docs/buckets#naming
_GS = re.compile(r"gs://[a-z0-9][a-z0-9._-]{1,220}[a-z0-9](/[^/\s]+)*")
_PROXIED = re.compile(r"mlflow-artifacts:/([^/\s]+(/[^/\s]+)*)?")
EXIT_REFUSED = 2


class Refused(Exception):
    """Bad arguments or an ambiguous mapping: nothing was touched."""


@dataclass(frozen=True)
class UriMapping:
    old: str  # gs://bucket[/prefix], without a trailing slash
    new: str  # mlflow-artifacts:/[prefix] or gs://bucket[/prefix], the same

    @property
    def new_base(self) -> str:
        """NEW without a trailing slash: NEW_base + "/rest" is a rewritten value."""
        return self.new.rstrip("/")

    def rewrite(self, value: str) -> str:
        return self.new if value == self.old else self.new_base + value[len(self.old) :]

    def holds(self, value: str) -> bool:
        return value == self.old or value.startswith(self.old + "/")

    def arrived(self, value: str) -> bool:
        return value == self.new or value.startswith(self.new_base + "/")


def _strip(uri: str) -> str:
    return uri if uri == PROXIED + "/" else uri.rstrip("/")


def parse_mapping(text: str) -> UriMapping:
    old, sep, new = text.partition("=")
    if not sep:
        raise Refused(f"--map {text!r}: expected OLD=NEW, e.g. gs://old-bucket=mlflow-artifacts:/")
    old, new = _strip(old.strip()), _strip(new.strip())
    if not _GS.fullmatch(old):
        raise Refused(f"--map {text!r}: OLD {old!r} must be gs://BUCKET[/PREFIX]")
    if not (_GS.fullmatch(new) or _PROXIED.fullmatch(new)):
        raise Refused(
            f"--map {text!r}: NEW {new!r} must be mlflow-artifacts:/[PREFIX] or "
            "gs://BUCKET[/PREFIX]"
        )
    return UriMapping(old, new)


def _overlap(a: str, b: str) -> bool:
    """Whether one location is the other or lies below it (on a path-segment boundary)."""
    a, b = a.rstrip("/"), b.rstrip("/")
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


def as_gs(new: str, destination: str | None) -> str | None:
    """NEW as the gs:// location it stands for (mlflow-artifacts:/x is DESTINATION/x)."""
    if new.startswith("gs://"):
        return new
    if destination is None:
        return None
    rest = new[len(PROXIED) :].strip("/")
    return destination.rstrip("/") + (f"/{rest}" if rest else "")


def check_mappings(mappings: Sequence[UriMapping], destination: str | None) -> None:
    """Refuse mappings whose result would depend on their order or would feed themselves."""
    if not mappings:
        raise Refused("give at least one --map OLD=NEW")
    if destination is not None and not _GS.fullmatch(_strip(destination)):
        raise Refused(
            f"{MLFLOW_ARTIFACTS_DESTINATION_ENV}={destination!r} is not gs://BUCKET[/PREFIX]"
        )
    for i, m in enumerate(mappings):
        for other in mappings[i + 1 :]:
            if _overlap(m.old, other.old):
                raise Refused(
                    f"ambiguous mapping: {m.old} and {other.old} overlap (a value below both "
                    "would match twice); give OLD locations that do not contain each other"
                )
        for n in mappings:
            target = as_gs(n.new, destination)
            if target is not None and _overlap(m.old, target):
                raise Refused(
                    f"ambiguous mapping: OLD {m.old} overlaps the destination {target} "
                    f"(of {n.new}); rewritten values would match OLD again"
                )
