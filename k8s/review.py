"""Mark Kubernetes API field names that detect-secrets mistakes for secrets.

detect-secrets' keyword plugin flags any `<...token...|...secret...>: <value>` line, so
`automountServiceAccountToken: false` and a CSI volume's `secretProviderClass: <name>` look
like credentials. Those lines carry a field name the API fixes and a non-secret value; the
inline pragma (detect-secrets' own mechanism) keeps the scan strict for every other line.
"""

from __future__ import annotations

import re
from pathlib import Path

PRAGMA = "# pragma: allowlist secret"
# Keys only: the value on such a line is a boolean or an object name, never a credential.
API_FIELDS = ("automountServiceAccountToken", "secretProviderClass")
_LINE = re.compile(r"^(\s*(?:- )?(?:" + "|".join(API_FIELDS) + r"): [^#\n]+)$", re.MULTILINE)


def mark_api_fields(text: str) -> str:
    return _LINE.sub(lambda m: f"{m[1]}  {PRAGMA}", text)


def mark_files(folder: Path) -> None:
    for path in sorted(folder.glob("*.k8s.yaml")):
        path.write_text(mark_api_fields(path.read_text(encoding="utf-8")), encoding="utf-8")
