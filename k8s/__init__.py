"""cdk8s constructs for the Kubernetes side of the MLflow deployment."""

from ops.toolchain import prefer_project_node

prefer_project_node()
