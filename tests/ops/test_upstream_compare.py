"""`make upstream-tests`' verdict (ops/upstream/compare.py, ops/upstream_tests.py): two junit
reports of our own (tests/ops/data/upstream/) -> the tests only the deployment fails, the
table, the exit status."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ops import upstream_tests
from ops.upstream.compare import (
    ABSENT,
    ERROR,
    FAILED,
    PASSED,
    SKIPPED,
    Comparison,
    read_junit,
    render,
)
from ops.upstream.expected import COMPAT_SHIMS, DESELECTED, EXPECTED_DIFFERENCES, Known, known

DATA = Path(__file__).parent / "data" / "upstream"
BASELINE, DEPLOYMENT = DATA / "baseline.xml", DATA / "deployment.xml"
EXPECTED = (Known("test_h", "the IAP plugin makes the verified caller the run's user"),)
KEPT_OUT = (Known("test_i", "tests the file store itself"),)


def comparison(expected: tuple[Known, ...] = EXPECTED) -> Comparison:
    return Comparison(
        read_junit(BASELINE), read_junit(DEPLOYMENT), deselected=KEPT_OUT, expected=expected
    )


def test_junit_outcomes_and_their_first_lines() -> None:
    base = read_junit(BASELINE)
    assert len(base) == 11
    assert base["test_a[file]"].status == PASSED
    assert base["test_d"].status == FAILED
    assert base["test_d"].message == "ImportError: cannot import name 'gone'"
    # No message attribute: the first non-blank line of the element's text.
    assert base["test_e"].message == "E   AssertionError: only the old server"
    assert base["test_j"].status == SKIPPED
    dep = read_junit(DEPLOYMENT)
    assert dep["test_c"].status == ERROR
    assert dep["test_c"].message == 'failed on setup with "RuntimeError: reset failed"'
    assert dep["test_a[file]"].property("upstream.backend") == "file"
    assert dep["test_d"].property("upstream.server") is None


def test_only_what_passed_before_and_not_through_the_deployment_is_its_failure() -> None:
    c = comparison()
    caused = {d.test: d.deployment_status for d in c.caused}
    # failed, errored, not run at all, skipped: each is the deployment's failure.
    assert caused == {"test_b": FAILED, "test_c": ERROR, "test_f": ABSENT, "test_g": SKIPPED}
    assert [d.test for d in c.explained] == ["test_h[sqlalchemy]"]
    assert [d.test for d in c.kept_out] == ["test_i"]
    assert [t for t, _ in c.baseline_failures] == ["test_d", "test_e"]
    assert c.only_deployment_passes == ["test_e"]
    assert c.through_deployment == 6
    assert c.exit_code == 1


def test_no_failure_of_its_own_is_exit_status_zero() -> None:
    everything = (
        *EXPECTED,
        *(Known(t, "explained") for t in ("test_b", "test_c", "test_g")),
    )
    c = Comparison(
        read_junit(BASELINE),
        read_junit(DEPLOYMENT),
        deselected=(*KEPT_OUT, Known("test_f", "kept out")),
        expected=everything,
    )
    assert c.caused == []
    assert c.exit_code == 0


def test_an_expected_difference_does_not_excuse_a_test_that_did_not_run() -> None:
    # test_f did not run through the deployment: only a deselection may explain that.
    c = comparison(expected=(*EXPECTED, Known("test_f", "why not")))
    assert "test_f" in {d.test for d in c.caused}


def test_an_expected_difference_that_no_longer_differs_is_reported() -> None:
    c = comparison(expected=(*EXPECTED, Known("test_k", "it used to fail")))
    assert [k.test for k in c.stale] == ["test_k"]
    assert "test_k" in render(c).split("no longer differ")[1]


def test_the_table() -> None:
    text = render(comparison())
    lines = text.splitlines()
    assert lines[0].split() == ["run", "passed", "failed", "error", "skipped", "total"]
    assert lines[2].split() == ["baseline", "8", "2", "0", "1", "11"]
    assert lines[3].split() == ["deployment", "3", "3", "1", "2", "9"]
    assert "6 of the deployment run's 9 tests called the deployment" in text
    assert "Failures caused by the deployment: 4" in text
    row = next(line for line in lines if line.startswith("test_b "))
    assert row.split()[:3] == ["test_b", "passed", "failed"]
    assert row.endswith("AssertionError: assert 403 == 200")
    assert next(line for line in lines if line.startswith("test_f ")).endswith(
        "did not run through the deployment"
    )
    assert "the IAP plugin makes the verified caller the run's user" in text
    assert "tests the file store itself" in text
    assert "Failing in the baseline too" in text
    # Grouped by first error line, with a count.
    assert "   1  ImportError: cannot import name 'gone'" in lines
    assert "      test_d" in lines


def test_a_name_covers_its_parametrizations_not_the_names_it_prefixes() -> None:
    entry = Known("test_artifacts", "x")
    assert entry.covers("test_artifacts")
    assert entry.covers("test_artifacts[file]")
    assert not entry.covers("test_artifacts_graphql[file]")
    assert known("test_artifacts_graphql", (entry,)) is None


def test_every_known_entry_says_why_and_names_one_test() -> None:
    entries = [*DESELECTED, *EXPECTED_DIFFERENCES]
    assert all(len(k.reason) > 40 for k in entries), entries
    names = [k.test for k in entries]
    assert len(names) == len(set(names))
    assert all(s.reason and s.module.startswith("mlflow.") for s in COMPAT_SHIMS)


def test_the_runner_compares_earlier_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The real lists: the fixture's tests are in neither, so every difference is caused.
    code = upstream_tests.main(
        ["--compare", str(BASELINE), str(DEPLOYMENT), "--out", str(tmp_path)]
    )
    assert code == 1
    out = capsys.readouterr().out
    assert "Failures caused by the deployment: 6" in out  # test_h, test_i too: not listed here
    assert (tmp_path / "report.txt").read_text() == out


def test_a_deployment_run_that_reached_no_deployment_is_a_harness_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    untouched = tmp_path / "untouched.xml"
    untouched.write_text(DEPLOYMENT.read_text().replace('name="upstream.server"', 'name="other"'))
    code = upstream_tests.main(["--compare", str(BASELINE), str(untouched), "--out", str(tmp_path)])
    assert code == 3
    assert "no test reached the deployment" in capsys.readouterr().err


def test_without_a_checkout_the_runner_says_how_to_get_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert upstream_tests.main(["--out", str(tmp_path / "out")]) == 2
    assert "MLFLOW_SRC is not set" in capsys.readouterr().err
    empty = tmp_path / "mlflow"
    empty.mkdir()
    assert upstream_tests.main(["--mlflow-src", str(empty), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "no tests/tracking/test_rest_tracking.py there" in err
    assert "git clone --depth 1 --branch v3.18.0 https://github.com/mlflow/mlflow" in err
    assert not (tmp_path / "o").exists()  # nothing started, nothing written
    shutil.rmtree(empty)
