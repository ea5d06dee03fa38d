"""Two junit XML reports of the same test file -> which tests the deployment alone fails.

A test is *caused by the deployment* when it passed in the baseline (MLflow's own server) and
did not pass through the deployment (failed, errored, was skipped or did not run at all),
unless expected.EXPECTED_DIFFERENCES explains it or expected.DESELECTED kept it out of the
deployment's run on purpose. Tests the baseline already fails are incompatibilities of the
test file with the installed MLflow (an older file, a missing optional dependency), listed
apart: they say nothing about the deployment.
"""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ops.upstream.expected import DESELECTED, EXPECTED_DIFFERENCES, Known, known

PASSED, FAILED, ERROR, SKIPPED, ABSENT = "passed", "failed", "error", "skipped", "not run"
STATUSES = (PASSED, FAILED, ERROR, SKIPPED)
MESSAGE_WIDTH = 110


@dataclass(frozen=True)
class Outcome:
    status: str
    message: str = ""
    properties: tuple[tuple[str, str], ...] = ()

    def property(self, name: str) -> str | None:
        return next((v for k, v in self.properties if k == name), None)


def first_line(text: str | None) -> str:
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()
    return ""


def _outcome(case: ET.Element) -> Outcome:
    props = tuple(
        (p.get("name", ""), p.get("value", "")) for p in case.findall("./properties/property")
    )
    # A test that failed in its call and errored in teardown has both: the failure comes first.
    for tag, status in (("failure", FAILED), ("error", ERROR), ("skipped", SKIPPED)):
        found = case.find(tag)
        if found is not None:
            message = first_line(found.get("message")) or first_line(found.text)
            return Outcome(status, message, props)
    return Outcome(PASSED, "", props)


def read_junit(path: Path) -> dict[str, Outcome]:
    """Test id (`name[params]`, as pytest names it in the file) -> its outcome. A module that
    failed to import is one entry named after the module, an error."""
    root = ET.parse(path).getroot()  # noqa: S314 - the report this run's pytest wrote
    outcomes: dict[str, Outcome] = {}
    for case in root.iter("testcase"):
        name = case.get("name", "")
        if not name:
            continue
        outcome = _outcome(case)
        earlier = outcomes.get(name)
        # pytest writes one testcase per test; keep the worse one if a name repeats.
        if earlier is None or STATUSES.index(earlier.status) == 0:
            outcomes[name] = outcome
    return outcomes


def counts(outcomes: dict[str, Outcome]) -> Counter[str]:
    return Counter(o.status for o in outcomes.values())


@dataclass(frozen=True)
class Difference:
    test: str
    baseline: Outcome
    deployment: Outcome | None
    reason: str = ""  # for an expected difference or a deselection

    @property
    def deployment_status(self) -> str:
        return self.deployment.status if self.deployment is not None else ABSENT

    @property
    def message(self) -> str:
        if self.deployment is None:
            return "did not run through the deployment"
        return self.deployment.message


@dataclass
class Comparison:
    baseline: dict[str, Outcome]
    deployment: dict[str, Outcome]
    deselected: tuple[Known, ...] = DESELECTED
    expected: tuple[Known, ...] = EXPECTED_DIFFERENCES
    caused: list[Difference] = field(default_factory=list)
    explained: list[Difference] = field(default_factory=list)
    kept_out: list[Difference] = field(default_factory=list)
    baseline_failures: list[tuple[str, Outcome]] = field(default_factory=list)
    only_deployment_passes: list[str] = field(default_factory=list)
    stale: list[Known] = field(default_factory=list)

    def __post_init__(self) -> None:
        for test, before in sorted(self.baseline.items()):
            after = self.deployment.get(test)
            if before.status in (FAILED, ERROR):
                self.baseline_failures.append((test, before))
                if after is not None and after.status == PASSED:
                    self.only_deployment_passes.append(test)
                continue
            if before.status != PASSED or (after is not None and after.status == PASSED):
                continue
            deselection = known(test, self.deselected)
            if deselection is not None and after is None:
                self.kept_out.append(Difference(test, before, None, deselection.reason))
                continue
            explanation = known(test, self.expected)
            if explanation is not None and after is not None:
                self.explained.append(Difference(test, before, after, explanation.reason))
            else:
                self.caused.append(Difference(test, before, after))
        # An expected difference whose tests now pass in both runs explains nothing any more.
        used = {d.test for d in self.explained}
        both_pass = {
            t
            for t, o in self.baseline.items()
            if o.status == PASSED and getattr(self.deployment.get(t), "status", None) == PASSED
        }
        self.stale = [
            k
            for k in self.expected
            if any(k.covers(t) for t in both_pass) and not any(k.covers(t) for t in used)
        ]

    @property
    def through_deployment(self) -> int:
        """Tests that called the deployment (the plugin marks them, upstream.server)."""
        return sum(1 for o in self.deployment.values() if o.property("upstream.server"))

    @property
    def exit_code(self) -> int:
        return 1 if self.caused else 0


def _clip(text: str, width: int = MESSAGE_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join("{:<%d}" % w for w in widths)  # noqa: UP031 - a format built per table
    out = [line.format(*header).rstrip(), line.format(*("-" * w for w in widths)).rstrip()]
    out += [line.format(*row).rstrip() for row in rows]
    return out


def render(
    c: Comparison, *, baseline_name: str = "baseline", deployment_name: str = "deployment"
) -> str:
    lines: list[str] = []
    runs = [(baseline_name, c.baseline), (deployment_name, c.deployment)]
    rows = []
    for name, outcomes in runs:
        n = counts(outcomes)
        rows.append((name, *(str(n[s]) for s in STATUSES), str(len(outcomes))))
    lines += _table(("run", *STATUSES, "total"), rows)
    lines.append(
        f"{c.through_deployment} of the deployment run's {len(c.deployment)} tests called the "
        "deployment (the others use no server)"
    )
    lines.append("")
    lines.append(f"Failures caused by the deployment: {len(c.caused)}")
    if c.caused:
        lines += _table(
            ("test", baseline_name, deployment_name, "first error line"),
            [(d.test, d.baseline.status, d.deployment_status, _clip(d.message)) for d in c.caused],
        )
    if c.explained:
        lines += [
            "",
            f"Expected differences (no defect; ops/upstream/expected.py says why): "
            f"{len(c.explained)}",
        ]
        lines += _table(
            ("test", deployment_name, "why"),
            [(d.test, d.deployment_status, _clip(d.reason)) for d in c.explained],
        )
    if c.kept_out:
        lines += ["", f"Deselected in the deployment's run: {len(c.kept_out)}"]
        lines += _table(("test", "why"), [(d.test, _clip(d.reason)) for d in c.kept_out])
    if c.baseline_failures:
        lines += [
            "",
            f"Failing in the baseline too (the test file against the installed MLflow, not the "
            f"deployment): {len(c.baseline_failures)}, by first error line",
        ]
        groups: dict[str, list[str]] = {}
        for test, outcome in c.baseline_failures:
            groups.setdefault(_clip(outcome.message), []).append(test)
        for message, tests in sorted(groups.items(), key=lambda g: (-len(g[1]), g[0])):
            lines.append(f"{len(tests):>4}  {message}")
            lines += textwrap.wrap(
                ", ".join(tests), 100, initial_indent=" " * 6, subsequent_indent=" " * 6
            )
    if c.only_deployment_passes:
        lines += ["", f"Passing only through the deployment: {len(c.only_deployment_passes)}"]
        lines += textwrap.wrap(
            ", ".join(c.only_deployment_passes),
            100,
            initial_indent=" " * 6,
            subsequent_indent=" " * 6,
        )
    if c.stale:
        lines += [
            "",
            "Expected differences that no longer differ "
            "(remove them from ops/upstream/expected.py):",
        ]
        lines += [f"  {k.test}" for k in c.stale]
    return "\n".join(lines) + "\n"
