"""Mark the manifest lines that detect-secrets mistakes for secrets.

detect-secrets' keyword plugin flags any `<...token...|...secret...>: <value>` line, so
`automountServiceAccountToken: false` and a CSI volume's `secretProviderClass: <name>` look
like credentials, and its entropy plugin flags the pod template's `checksum/config` (a SHA-256
of the ConfigMap's non-secret data); the local profile's credential configuration names STS's
`token_url` (a public endpoint, not a token). The keys are fixed by the API or by k8s/ and
their values are never credentials; the inline pragma (detect-secrets' own mechanism) marks exactly
those lines and keeps the scan strict for every other one.
"""

from __future__ import annotations

import re
from pathlib import Path

PRAGMA = "# pragma: allowlist secret"
# Keys only: the value on such a line is a boolean, an object name or a hash of public data.
MARKED_KEYS = (
    "automountServiceAccountToken",
    "secretProviderClass",
    "checksum/config",
    # The local profile's external_account file: names STS's token_url, holds no secret.
    "credential-configuration.json",
)
_LINE = re.compile(
    r"^(\s*(?:- )?(?:" + "|".join(map(re.escape, MARKED_KEYS)) + r"): [^#\n]+)$", re.MULTILINE
)


def mark_known_false_positives(text: str) -> str:
    return _LINE.sub(lambda m: f"{m[1]}  {PRAGMA}", text)


def mark_files(folder: Path) -> None:
    for path in sorted([*folder.glob("*.k8s.yaml"), *folder.glob("*/*.k8s.yaml")]):
        path.write_text(
            mark_known_false_positives(path.read_text(encoding="utf-8")), encoding="utf-8"
        )
