"""The instance's public IP, with no authorized networks: only the Auth Proxy, authorized by
IAM and speaking mTLS, gets in. For a cluster outside the VPC (platform local); the settings
require `database.allow_public_ip` there."""

from __future__ import annotations

from cdktf import TerraformStack

from infra.apis import RequiredApis
from infra.connectivity.base import DatabaseNetwork, InfraConnectivity
from infra.database import Database
from infra.platforms import Vpc


class PublicIp(InfraConnectivity):
    def attach(self, stack: TerraformStack, vpc: Vpc | None, apis: RequiredApis) -> DatabaseNetwork:
        return DatabaseNetwork()  # public IP only (database.allow_public_ip)

    def add_outputs(self, stack: TerraformStack, database: Database) -> None:
        self.output(stack, "database_public_ip", database.public_ip_address, "Proxy-only public IP")
