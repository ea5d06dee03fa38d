"""The server image (mlflow_server/): its Dockerfile and build, its entry point and plugins."""
