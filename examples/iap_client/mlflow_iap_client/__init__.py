"""An IAP-accepted credential on every MLflow request to the tracking host, kept fresh."""
