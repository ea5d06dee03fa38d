"""IAP identities inside MLflow: verified signed header, MLflow users, MLflow permissions."""
