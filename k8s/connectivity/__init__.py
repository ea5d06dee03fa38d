"""How the Auth Proxy reaches the Cloud SQL instance, as the pods see it: one object per way,
chosen once from `settings.modes.database_connectivity` (settings/modes.py; infra/connectivity/
makes the way on Google Cloud).

A new way is one module here and one entry in CONNECTIVITY.
"""

from __future__ import annotations

from k8s.connectivity.base import KubeConnectivity
from k8s.connectivity.private_ip import PrivateIp
from k8s.connectivity.private_service_connect import PrivateServiceConnect
from k8s.connectivity.public_ip import PublicIp
from settings import Settings
from settings.modes import DatabaseConnectivity

CONNECTIVITY: dict[DatabaseConnectivity, type[KubeConnectivity]] = {
    DatabaseConnectivity.PRIVATE_SERVICES_ACCESS: PrivateIp,
    DatabaseConnectivity.PUBLIC_IP: PublicIp,
    DatabaseConnectivity.PSC: PrivateServiceConnect,
}


def connectivity_for(settings: Settings) -> KubeConnectivity:
    return CONNECTIVITY[settings.modes.database_connectivity](settings)


__all__ = ["CONNECTIVITY", "KubeConnectivity", "connectivity_for"]
