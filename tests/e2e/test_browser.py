"""A user in a real browser: headless Chromium opens https://<ingress.host>/ through the ingress
+ IAP stand-in, signs in, and uses the MLflow UI as people do. Every response the page gets is
recorded, and none may be a 4xx or 5xx (the UI's searches, creates and renames are POSTs with
an Origin header: the CORS allowlist is what lets them through). A screenshot per step goes
to test-artifacts/browser/ (git-ignored)."""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from settings import REPO_ROOT
from tests.e2e.browser import ARTIFACTS, Traffic, browser_page
from tests.e2e.conftest import Cluster, run_client
from tests.e2e.ingress import IngressStandIn

pytestmark = pytest.mark.e2e

TRAIN = REPO_ROOT / "examples" / "train.py"
USER = "alice@example.com"
EXPERIMENT = "mlflow-gcp-example"  # examples/train.py's default
TIMEOUT = 30_000  # ms, for each element the test waits on
SHOTS = ARTIFACTS / "browser"


@pytest.fixture(scope="module")
def trained(cluster: Cluster) -> dict[str, str]:
    out = run_client(cluster, TRAIN, "--run-name", "browser-run")
    found = dict(re.findall(r"^(run id|model): (\S+)$", out, flags=re.M))
    return {"run": found["run id"], "model": found["model"].removeprefix("models:/")}


@pytest.fixture(scope="module")
def session(ingress: IngressStandIn, trained: dict[str, str]) -> Iterator[tuple[Any, Traffic]]:
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    with browser_page(ingress) as (page, traffic):
        page.set_default_timeout(TIMEOUT)
        yield page, traffic


def _name_is_free(error: tuple[int, str, str]) -> bool:
    """The create and rename dialogs look the typed name up to say whether it is taken; MLflow
    answers 404 when it is free. Any browser gets these; nothing else is excused."""
    status, method, url = error
    lookup = "/ajax-api/2.0/mlflow/experiments/get-by-name?experiment_name=from-the-ui-"
    return (status, method) == (404, "GET") and lookup in url


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


class TestAUserInTheBrowser:
    """The steps share one browser, in order."""

    def test_01_signs_in_and_sees_the_experiment(
        self, session: tuple[Any, Traffic], ingress: IngressStandIn
    ) -> None:
        page, _ = session
        page.goto(f"https://{ingress.host}/")
        page.locator("#email").fill(USER)  # the stand-in's sign-in page, as IAP's Google one
        page.locator("#signin").click()
        page.get_by_text(USER).wait_for()  # MLflow knows who the user is
        page.get_by_role("link", name="Experiments").first.click()
        page.get_by_role("link", name=EXPERIMENT).wait_for()
        assert page.url.startswith(f"https://{ingress.host}/")
        shot(page, "01-experiments")

    def test_02_opens_the_run(self, session: tuple[Any, Traffic], trained: dict[str, str]) -> None:
        page, _ = session
        page.get_by_text("Model training").click()
        page.get_by_role("link", name=EXPERIMENT).click()
        page.get_by_role("link", name="browser-run").first.click()
        page.wait_for_url(re.compile(f"/runs/{trained['run']}"))
        page.get_by_role("heading", name="browser-run").wait_for()
        shot(page, "02-run")

    def test_03_sees_its_parameters_and_who_made_it(self, session: tuple[Any, Traffic]) -> None:
        page, _ = session
        params = page.get_by_text("Parameters (6)")
        params.wait_for()
        for name, value in (("max_iter", "500"), ("C", "1.0"), ("model", "logistic_regression")):
            row = page.get_by_role("row").filter(has_text=re.compile(f"^{re.escape(name)}"))
            assert value in row.first.inner_text(), name
        page.get_by_text("kubectl-port-forward").first.wait_for()  # the run's creator
        shot(page, "03-parameters")

    def test_04_sees_the_metric_chart(self, session: tuple[Any, Traffic]) -> None:
        page, _ = session
        page.get_by_role("tab", name="Model metrics").click()
        chart = page.get_by_text("cv_accuracy").first
        chart.wait_for()
        # The charts are plotly SVGs: one plot per metric, with its line drawn.
        page.locator(".js-plotly-plot").nth(2).wait_for()
        shot(page, "04-metric-chart")

    def test_05_sees_its_artifacts_and_the_model(
        self, session: tuple[Any, Traffic], trained: dict[str, str]
    ) -> None:
        page, _ = session
        page.get_by_role("tab", name="Artifacts").click()
        page.get_by_text("reports").first.click()
        page.get_by_text("classification_report.json").first.click()
        page.get_by_text('"macro avg"').first.wait_for()  # the file's content, downloaded
        shot(page, "05-artifacts")
        page.get_by_role("tab", name="Overview").click()
        page.get_by_text("Logged models (1)").wait_for()
        # MLflow 3 keeps the model as a logged model of the run, with artifacts of its own.
        page.get_by_role("link", name="Models", exact=True).click()
        page.locator(f'a[href*="{trained["model"]}"]').first.click()
        page.get_by_text("About this logged model").wait_for()
        page.get_by_text("kubectl-port-forward").first.wait_for()  # its creator, not "root"
        page.get_by_text("Artifacts", exact=True).click()
        page.get_by_text("MLmodel").first.click()
        page.get_by_text("flavors").first.wait_for()  # the MLmodel file's content
        shot(page, "06-model")

    def test_06_creates_and_renames_an_experiment(
        self, session: tuple[Any, Traffic], ingress: IngressStandIn, cluster: Cluster
    ) -> None:
        page, _ = session
        name = f"from-the-ui-{uuid.uuid4().hex[:6]}"
        renamed = f"{name}-renamed"
        page.goto(f"https://{ingress.host}/#/experiments")
        page.get_by_test_id("create-experiment-button").click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_role("textbox").first.fill(name)
        shot(page, "07-create")
        dialog.get_by_role("button", name="Create").click()
        page.get_by_text(name).first.wait_for()
        shot(page, "07-created")
        page.get_by_test_id("overflow-menu-trigger").click()
        page.get_by_role("menuitem", name="Edit experiment").click()
        dialog = page.get_by_role("dialog")
        box = dialog.get_by_role("textbox").first
        box.fill(renamed)
        shot(page, "08-rename")
        dialog.get_by_role("button", name=re.compile("Save|OK|Rename|Update")).click()
        page.get_by_text(renamed).first.wait_for()
        shot(page, "09-renamed")
        rows = cluster.pg.query(
            cluster.database, "SELECT name FROM experiments WHERE name IN (%s, %s)", name, renamed
        )
        assert rows == [(renamed,)]

    def test_07_no_request_failed(self, session: tuple[Any, Traffic]) -> None:
        _, traffic = session
        assert traffic.responses, "the page made no request"
        assert not [e for e in traffic.errors() if not _name_is_free(e)], traffic.errors()
        assert not traffic.failed, traffic.failed
        posts = [r for r in traffic.responses if r[1] == "POST" and "/ajax-api/" in r[2]]
        assert posts, "the UI made no POST (searches, create, rename)"
