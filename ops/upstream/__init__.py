"""`make upstream-tests`: MLflow's own REST tracking tests against this project's deployment.

The runner (ops/upstream_tests.py) runs MLflow's tests/tracking/test_rest_tracking.py twice, as
MLflow runs it and through the deployment dist/ describes, and reports the tests that only the
deployment fails. Its parts: `expected` (what is deselected or expected to differ, and why),
`compat` and `deployment_plugin` (pytest plugins loaded with -p into the two runs), `compare`
(junit XML of both runs -> the verdict and its table). Nothing here imports MLflow's tests or
the project's test harness: the deployment runs in a process of its own (tests/e2e/standalone.py).
"""
