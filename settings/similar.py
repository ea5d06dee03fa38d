"""When a mistyped name earns a suggestion: only when a real name is close.

A suggestion must be what the user meant, not merely what shares the most characters: the
numbers in a Google Cloud name are sizes and places (e2-standard-3 is not a typo of
e2-standard-32, europe-west7 not of europe-west1), so a candidate must have exactly the same
numbers, and its letters may differ by at most two edits (insertions, deletions, substitutions
or swaps of neighbours, Damerau-Levenshtein), and at most one in a short name.
"""

from __future__ import annotations

import re

_NUMBERS = re.compile(r"[0-9]+")


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment)."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def closest(name: str, known: list[str]) -> str | None:
    """The known name the user most likely meant, or None when none is close."""
    numbers = _NUMBERS.findall(name)
    letters = _NUMBERS.sub("#", name)
    allowed = 1 if len(letters) <= 6 else 2
    scored = sorted(
        (edit_distance(letters, _NUMBERS.sub("#", k)), k)
        for k in known
        if _NUMBERS.findall(k) == numbers and k != name
    )
    return scored[0][1] if scored and scored[0][0] <= allowed else None


def closest_letter(zone: str, zones: list[str]) -> str | None:
    """For a zone whose last letter the region lacks: the region's zone nearest in the
    alphabet (europe-west1-a -> europe-west1-b), the first on a tie."""
    letter = zone.rpartition("-")[2]
    if len(letter) != 1 or not zones:
        return None
    return min(zones, key=lambda z: (abs(ord(z.rpartition("-")[2][:1]) - ord(letter)), z))
