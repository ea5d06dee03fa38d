"""Settings shared by the cdktf app (infra/) and the cdk8s app (k8s/)."""

from settings.errors import ConfigError
from settings.load import CONFIG_DIR, REPO_ROOT, load_settings, parse_settings, selected_env
from settings.model import (
    CLOUD_SQL_PROXY_IMAGE,
    MLFLOW_VERSION,
    PRIVATE_GOOGLE_APIS_CIDR,
    PRIVATE_GOOGLE_APIS_IPS,
    Names,
    Platform,
    Settings,
)

__all__ = [
    "CLOUD_SQL_PROXY_IMAGE",
    "CONFIG_DIR",
    "MLFLOW_VERSION",
    "PRIVATE_GOOGLE_APIS_CIDR",
    "PRIVATE_GOOGLE_APIS_IPS",
    "REPO_ROOT",
    "ConfigError",
    "Names",
    "Platform",
    "Settings",
    "load_settings",
    "parse_settings",
    "selected_env",
]
