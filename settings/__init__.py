"""The settings model shared by the cdktf app (infra/) and the cdk8s app (k8s/): one typed,
frozen model of an environment's config file, the names and modes derived from it, and the
strings the deployment's parts agree on. Nothing here runs a tool or writes a file (ops/ does)."""

from settings.errors import ConfigError
from settings.load import load_settings, parse_settings, selected_env
from settings.model import Settings
from settings.modes import Modes
from settings.names import Names
from settings.paths import CONFIG_DIR, REPO_ROOT
from settings.targets import CreatedGke, ExistingGke, ExternalCluster, GkeTarget, Platform, Target
from settings.versions import CLOUD_SQL_PROXY_IMAGE, MLFLOW_VERSION

__all__ = [
    "CLOUD_SQL_PROXY_IMAGE",
    "CONFIG_DIR",
    "MLFLOW_VERSION",
    "REPO_ROOT",
    "ConfigError",
    "CreatedGke",
    "ExistingGke",
    "ExternalCluster",
    "GkeTarget",
    "Modes",
    "Names",
    "Platform",
    "Settings",
    "Target",
    "load_settings",
    "parse_settings",
    "selected_env",
]
