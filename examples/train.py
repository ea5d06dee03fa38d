"""Train a small scikit-learn model and record it in MLflow (the original's `test/train.py`).

Uses the wine data set bundled with scikit-learn (no download). Logs parameters, per-fold and
final metrics, an artifact (a classification report) and the model with its signature and an
input example, then prints the run id and its URL.

    MLFLOW_TRACKING_URI=http://localhost:8080 python examples/train.py   # local profile
    kubectl -n mlflow-dev port-forward svc/mlflow-server 5000:5000 &
    MLFLOW_TRACKING_URI=http://localhost:5000 python examples/train.py   # port-forward
    # Behind IAP: the plugin mlflow-iap-client (examples/iap_client/) sends a fresh ID token
    MLFLOW_TRACKING_AUTH=iap MLFLOW_IAP_AUDIENCE=CLIENT_ID.apps.googleusercontent.com \\
      MLFLOW_TRACKING_URI=https://mlflow.example.com python examples/train.py
    # In the cluster (a pod in an allowed namespace):
    MLFLOW_TRACKING_URI=http://mlflow-server.mlflow-dev.svc.cluster.local:5000

The client uploads artifacts and the model through the server (proxied artifact access), so it
needs no Google Cloud credentials.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

EXPERIMENT = "mlflow-gcp-example"
SEED = 42


def load_data() -> tuple[Any, Any, Any, Any]:
    """The wine data set split 75/25, stratified, with a fixed seed (reproducible)."""
    from sklearn.datasets import load_wine
    from sklearn.model_selection import train_test_split

    x, y = load_wine(return_X_y=True, as_frame=True)
    return train_test_split(x, y, test_size=0.25, random_state=SEED, stratify=y)


def build_model(c: float, max_iter: int) -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=max_iter))


def train(*, c: float, max_iter: int, experiment: str, run_name: str | None) -> dict[str, str]:
    import mlflow
    from mlflow.models import infer_signature
    from sklearn.metrics import accuracy_score, classification_report, f1_score
    from sklearn.model_selection import cross_val_score

    x_train, x_test, y_train, y_test = load_data()
    model = build_model(c, max_iter)
    mlflow.set_experiment(experiment)
    with mlflow.start_run(run_name=run_name) as run:
        mlflow.log_params({"C": c, "max_iter": max_iter, "model": "logistic_regression"})
        mlflow.log_params({"n_train": len(x_train), "n_test": len(x_test), "seed": SEED})
        for fold, score in enumerate(cross_val_score(model, x_train, y_train, cv=5)):
            mlflow.log_metric("cv_accuracy", float(score), step=fold)
        model.fit(x_train, y_train)
        predicted = model.predict(x_test)
        mlflow.log_metrics(
            {
                "accuracy": float(accuracy_score(y_test, predicted)),
                "f1_macro": float(f1_score(y_test, predicted, average="macro")),
            }
        )
        report = classification_report(y_test, predicted, output_dict=True)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "classification_report.json"
            path.write_text(json.dumps(report, indent=2, sort_keys=True))
            mlflow.log_artifact(str(path), artifact_path="reports")
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(x_test, predicted),
            input_example=x_test.head(3),
        )
        tracking = mlflow.get_tracking_uri().rstrip("/")
        url = f"{tracking}/#/experiments/{run.info.experiment_id}/runs/{run.info.run_id}"
    return {"run_id": run.info.run_id, "model_uri": info.model_uri, "url": url}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c", type=float, default=1.0, help="Inverse regularization strength.")
    parser.add_argument("--max-iter", type=int, default=500)
    parser.add_argument("--experiment", default=EXPERIMENT)
    parser.add_argument("--run-name", default=None)
    args = parser.parse_args(argv)
    if not os.environ.get("MLFLOW_TRACKING_URI"):
        print("set MLFLOW_TRACKING_URI to the server (see this file's docstring)", file=sys.stderr)
        return 2
    result = train(
        c=args.c, max_iter=args.max_iter, experiment=args.experiment, run_name=args.run_name
    )
    print(f"run id: {result['run_id']}")
    print(f"model: {result['model_uri']}")
    print(f"url: {result['url']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
