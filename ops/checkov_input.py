"""What checkov reads of a synthesized stack.

checkov's terraform_json parser (3.3.30) takes every top-level block as a map of names and fails
on Terraform's `moved` blocks, which are a list (infra/grant_moves.py writes them): it logs
"Failed to parse template" and skips the whole file, so every check of that stack would pass
unseen. `moved` only renames addresses in Terraform's state and holds nothing a check looks at,
so the project's checkov runs (make test, make review) give checkov the stack without it.
"""

from __future__ import annotations

from typing import Any


def scannable(doc: dict[str, Any]) -> dict[str, Any]:
    """`doc` without the blocks checkov cannot parse."""
    return {key: value for key, value in doc.items() if key != "moved"}
