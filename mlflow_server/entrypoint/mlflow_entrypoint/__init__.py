"""`mlflow-entrypoint`, the server image's entry point, and the operator's artifact-URI rewrite.

`contract` holds the names the deployment and the image agree on; it imports nothing, so that
the settings package can import it at synth time without MLflow. The other modules import
MLflow only inside the functions that need it: the command line answers a usage or settings
error without loading it. Run as the console script `mlflow-entrypoint` (`cli.main`).
"""
