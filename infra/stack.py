"""The one Terraform stack of an environment: providers, state backend, then each concern."""

from __future__ import annotations

from cdktf import GcsBackend, LocalBackend, TerraformOutput, TerraformStack
from cdktf_cdktf_provider_google.data_google_project import DataGoogleProject
from cdktf_cdktf_provider_google.provider import GoogleProvider
from cdktf_cdktf_provider_random.provider import RandomProvider
from constructs import Construct

from infra.apis import RequiredApis, required_apis
from infra.bucket import ArtifactBucket
from infra.cluster import GkeCluster
from infra.database import Database
from infra.dns import PrivateGoogleApisZone
from infra.edge import Edge
from infra.identity import NodeServiceAccount, ServiceAccount
from infra.network import Network
from infra.registry import ImageRepository
from settings import Settings
from settings.model import PRIVATE_GOOGLE_APIS_IPS


class MlflowStack(TerraformStack):
    """Everything on Google Cloud that the MLflow server needs, for one environment.

    Platform gke: VPC, private GKE cluster, Workload Identity, static IP and IAP; no key.
    Platform local: the same bucket, database, registry and service account for a cluster
    outside Google Cloud, reached with a service-account key (sensitive output).
    """

    def __init__(self, scope: Construct, id: str, *, settings: Settings) -> None:
        super().__init__(scope, id)
        self.settings = settings
        names = settings.names
        gke = settings.is_gke

        google = GoogleProvider(self, "google", project=settings.project_id, region=settings.region)
        # Not `default_labels=`: cdktf snake-cases the keys of a provider's map argument
        # ("managed-by" became "managed_by"); an override is written verbatim.
        google.add_override("default_labels", settings.common_labels)
        RandomProvider(self, "random")

        if settings.state_bucket:
            GcsBackend(self, bucket=settings.state_bucket, prefix=f"mlflow/{names.terraform_stack}")
        else:
            # Relative to cdktf.out/stacks/<stack>/, where terraform runs: the state file lands
            # in the repository root (git-ignored), outside the folder that synth rewrites, and
            # cdk.tf.json holds no absolute path of this machine.
            LocalBackend(self, path=f"../../../terraform.{names.terraform_stack}.tfstate")

        self.apis = apis = RequiredApis(self, "apis", services=required_apis(gke=gke))

        self.bucket = ArtifactBucket(
            self,
            "artifacts",
            name=names.bucket,
            location=settings.bucket_location,
            noncurrent_version_days=settings.bucket.noncurrent_version_days,
            soft_delete_days=settings.bucket.soft_delete_days,
            force_destroy_with_objects=settings.bucket.force_destroy_with_objects,
        )

        self.workload = ServiceAccount(
            self,
            "workload",
            account_id=names.workload_sa_id,
            display_name="MLflow tracking server",
            description=f"The MLflow server's identity ({names.namespace}/{names.ksa})",
            depends_on=[apis["iam"]],
        )

        self.registry = ImageRepository(
            self,
            "registry",
            repository_id=names.registry_repository,
            location=settings.region,
            project_id=settings.project_id,
            depends_on=[apis["artifactregistry"]],
        )
        for i, writer in enumerate(settings.registry.writers):
            self.registry.grant_writer(writer, id=f"writer-{i}")

        self.network: Network | None = None
        if gke:
            self.network = Network(
                self,
                "network",
                network_name=names.network,
                subnet_name=names.subnet,
                router_name=names.router,
                nat_name=names.nat,
                private_services_range_name=names.private_services_range,
                region=settings.region,
                subnet_cidr=settings.network.subnet_cidr,
                pods_cidr=settings.network.pods_cidr,
                services_cidr=settings.network.services_cidr,
                private_services_cidr=settings.network.private_services_cidr,
                depends_on=[apis["compute"], apis["servicenetworking"]],
            )
            PrivateGoogleApisZone(
                self,
                "googleapis-dns",
                zone_name=names.private_dns_zone,
                network_id=self.network.network_id,
                vip_addresses=PRIVATE_GOOGLE_APIS_IPS,
                depends_on=[apis["dns"]],
            )

        db = settings.database
        self.database = Database(
            self,
            "database",
            project_id=settings.project_id,
            region=settings.region,
            instance_name=names.sql_instance,
            database_version=db.version.value,
            edition=db.edition.value,
            tier=db.tier,
            disk_size_gb=db.disk_size_gb,
            disk_autoresize_limit_gb=db.disk_autoresize_limit_gb,
            availability=db.availability.value,
            private_network=self.network.network_id if self.network else None,
            allocated_ip_range=names.private_services_range if self.network else None,
            public_ip=db.allow_public_ip,
            backup_start_time=db.backup_start_time,
            retained_backups=db.retained_backups,
            transaction_log_retention_days=db.transaction_log_retention_days,
            maintenance_day=db.maintenance_day,
            maintenance_hour=db.maintenance_hour,
            database_name=names.database,
            user_name=names.db_user,
            password_secret_id=names.db_password_secret,
            deletion_protection=db.deletion_protection,
            labels=settings.common_labels,
            depends_on=[apis["sqladmin"], apis["secretmanager"]]
            + ([self.network.private_services] if self.network else []),
        )

        # The workload's access, each on the resource itself.
        member = self.workload.member
        self.bucket.grant_object_user(member)
        self.database.grant_client(member)
        self.database.grant_instance_user(member)
        self.database.add_iam_service_account_user(
            names.workload_sa_email, depends_on=[self.workload.account]
        )
        self.database.grant_password_access(member)

        self.cluster: GkeCluster | None = None
        self.edge: Edge | None = None
        if gke:
            assert self.network is not None
            nodes = NodeServiceAccount(
                self, "nodes", account_id=names.node_sa_id, depends_on=[apis["iam"]]
            )
            self.registry.grant_reader(nodes.member, id="node-reader")
            self.cluster = GkeCluster(
                self,
                "gke",
                name=names.cluster,
                node_pool_name=names.node_pool,
                location=settings.cluster_location,
                project_id=settings.project_id,
                network_id=self.network.network_id,
                subnet_id=self.network.subnet_id,
                pods_range_name=self.network.pods_range_name,
                services_range_name=self.network.services_range_name,
                master_cidr=settings.network.master_cidr,
                master_authorized_cidrs=settings.network.master_authorized_cidrs,
                allow_google_cloud_ips=settings.network.control_plane_google_cloud_access,
                node_service_account=nodes.email,
                release_channel=settings.cluster.release_channel.value,
                machine_type=settings.cluster.machine_type,
                min_nodes=settings.cluster.min_nodes,
                max_nodes=settings.cluster.max_nodes,
                disk_size_gb=settings.cluster.disk_size_gb,
                spot=settings.cluster.spot,
                deletion_protection=settings.cluster.deletion_protection,
                labels=settings.common_labels,
                depends_on=[apis["container"], apis["binaryauthorization"], nodes.node_role],
            )
            self.workload.grant_workload_identity_user(
                names.workload_identity_member, depends_on=[self.cluster.cluster]
            )
            # The Secret Manager add-on mounts the password with the pod's own identity. It
            # honours the KSA's link to the workload account; granting the KSA principal too
            # (Workload Identity Federation's direct form) keeps the mount working either way.
            project = DataGoogleProject(self, "project", project_id=settings.project_id)
            self.database.grant_password_access(
                f"principal://iam.googleapis.com/projects/{project.number}/locations/global/"
                f"workloadIdentityPools/{names.workload_pool}/subject/ns/{names.namespace}"
                f"/sa/{names.ksa}",
                id="password-accessor-ksa",
            ).node.add_dependency(self.cluster.cluster)
            self.edge = Edge(
                self,
                "edge",
                static_ip_name=names.static_ip,
                ssl_policy_name=names.ssl_policy,
                host=settings.ingress.host,
                iap_members=settings.ingress.iap_members,
                depends_on=[apis["compute"], apis["iap"]],
            )
        else:
            # A cluster outside Google Cloud has no Workload Identity: a key is the only way in,
            # and its pull secret reads the image with the same identity.
            self.registry.grant_reader(member, id="workload-reader")
            key = self.workload.create_key()
            TerraformOutput(
                self,
                "workload_sa_key",
                value=key.private_key,
                sensitive=True,
                description="Base64 JSON key of the workload service account (local only)",
            )

        self._outputs()

    def _outputs(self) -> None:
        def out(name: str, value: str, description: str) -> None:
            TerraformOutput(self, name, value=value, description=description)

        out("bucket_url", self.bucket.url, "gs:// URL of the artifact bucket")
        out("instance_connection_name", self.database.connection_name, "Cloud SQL instance")
        if self.network is not None:
            out("database_private_ip", self.database.private_ip_address, "Cloud SQL private IP")
        else:
            out("database_public_ip", self.database.public_ip_address, "Proxy-only public IP")
        out("workload_sa_email", self.workload.email, "The MLflow server's service account")
        out("db_password_secret_id", self.database.password_secret.id, "Secret Manager secret")
        out("registry_uri", self.registry.uri, "Docker repository for the server image")
        if self.edge is not None and self.cluster is not None:
            out("static_ip_address", self.edge.static_ip_address, "Point the host's A record here")
            out("static_ip_name", self.edge.static_ip_name, "Named by the Ingress")
            out("ssl_policy_name", self.edge.ssl_policy_name, "Named by the FrontendConfig")
            out("cluster_name", self.cluster.name, "GKE cluster")
            out("cluster_location", self.cluster.location, "GKE cluster zone or region")
