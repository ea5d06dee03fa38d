"""How the Auth Proxy reaches the Cloud SQL instance: one object per way, chosen once from
`settings.modes.database_connectivity` (settings/modes.py). It makes what the instance needs in
the pods' VPC and says where the instance gets its address.

A new way is one module here and one entry in CONNECTIVITY.
"""

from __future__ import annotations

from infra.connectivity.base import DatabaseNetwork, InfraConnectivity
from infra.connectivity.private_service_connect import PrivateServiceConnect
from infra.connectivity.private_services_access import PrivateServicesAccess
from infra.connectivity.public_ip import PublicIp
from settings import Settings
from settings.modes import DatabaseConnectivity

CONNECTIVITY: dict[DatabaseConnectivity, type[InfraConnectivity]] = {
    DatabaseConnectivity.PRIVATE_SERVICES_ACCESS: PrivateServicesAccess,
    DatabaseConnectivity.PUBLIC_IP: PublicIp,
    DatabaseConnectivity.PSC: PrivateServiceConnect,
}


def connectivity_for(settings: Settings) -> InfraConnectivity:
    return CONNECTIVITY[settings.modes.database_connectivity](settings)


__all__ = ["CONNECTIVITY", "DatabaseNetwork", "InfraConnectivity", "connectivity_for"]
