"""The one Terraform stack of an environment: providers, state backend, then each concern."""

from __future__ import annotations

from cdktf import GcsBackend, LocalBackend, TerraformOutput, TerraformStack
from cdktf_cdktf_provider_google.provider import GoogleProvider
from cdktf_cdktf_provider_random.provider import RandomProvider
from constructs import Construct

from infra.apis import CORE_APIS, MONITORING_APIS, RequiredApis, service_agent_apis
from infra.bucket import ArtifactBucket
from infra.build import ImageBuild
from infra.database import Database
from infra.identity import ServiceAccount
from infra.kek import KekPassphrase
from infra.monitoring import Monitoring
from infra.platforms import PLATFORMS
from infra.project import ProjectFacts
from infra.registry import ImageRepository
from settings import Settings


class MlflowStack(TerraformStack):
    """Everything on Google Cloud that the MLflow server needs, for one environment.

    The parts every platform shares are built here; the platform object (infra/platforms/)
    builds the network the database joins, connects the cluster's pods to the workload service
    account and adds the public edge.
    """

    def __init__(self, scope: Construct, id: str, *, settings: Settings) -> None:
        super().__init__(scope, id)
        self.settings = settings
        names = settings.names
        platform_type = PLATFORMS[settings.platform]

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

        watched = MONITORING_APIS if settings.monitoring.enabled else ()
        self.apis = apis = RequiredApis(
            self, "apis", services=CORE_APIS + platform_type.apis + watched
        )
        self.project = ProjectFacts(
            self,
            "project",
            project_id=settings.project_id,
            claims=settings.project_number_claims(settings.project_id),
            depends_on=[apis["cloudresourcemanager"]],
        )
        self.platform = platform = platform_type(self, settings, apis, self.project)

        self.bucket = ArtifactBucket(
            self,
            "artifacts",
            name=names.bucket,
            location=settings.bucket_location,
            noncurrent_version_days=settings.bucket.noncurrent_version_days,
            soft_delete_days=settings.bucket.soft_delete_days,
            force_destroy_with_objects=settings.bucket.force_destroy_with_objects,
            depends_on=[apis["storage"]],
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
            # A Google-managed account (Cloud Build's, Compute Engine's) exists only once its API
            # is on: the grant waits for it.
            self.registry.grant_writer(
                writer,
                id=f"writer-{i}",
                depends_on=[apis[api] for api in service_agent_apis(writer)],
            )
        self.build = ImageBuild(
            self,
            "build",
            account_id=names.build_sa_id,
            bucket_name=names.build_bucket,
            location=settings.region.upper(),
            repository=self.registry,
            builders=settings.registry.builders,
            builder_role_id=names.builder_role,
            depends_on=[apis["iam"], apis["cloudbuild"], apis["storage"]],
            iam_depends_on=[apis["cloudresourcemanager"]],
        )

        network = platform.database_network()
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
            private_network=network.private_network,
            allocated_ip_range=network.allocated_ip_range,
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
            depends_on=[apis["sqladmin"], apis["secretmanager"], *network.depends_on],
            iam_depends_on=[apis["cloudresourcemanager"]],
        )

        self.kek = KekPassphrase(
            self,
            "kek",
            secret_id=names.kek_secret,
            version=settings.server.kek_version,
            deletion_protection=db.deletion_protection,
            depends_on=[apis["secretmanager"]],
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
        self.kek.grant_access(member)
        platform.connect_workload(
            workload=self.workload, registry=self.registry, database=self.database, kek=self.kek
        )
        if settings.monitoring.enabled:
            self._monitoring()
        self._outputs()

    def _monitoring(self) -> None:
        s, names = self.settings, self.settings.names
        self.monitoring = Monitoring(
            self,
            "monitoring",
            project_id=s.project_id,
            name=names.base,
            thresholds=s.monitoring,
            labels=s.common_labels,
            depends_on=[self.apis["monitoring"]],
        )
        self.monitoring.watch_database(database_id=f"{s.project_id}:{names.sql_instance}")
        self.platform.add_monitoring(self.monitoring)
        self.monitoring.add_dashboard()

    def _outputs(self) -> None:
        def out(name: str, value: str, description: str) -> None:
            TerraformOutput(self, name, value=value, description=description)

        out("bucket_url", self.bucket.url, "gs:// URL of the artifact bucket")
        out("instance_connection_name", self.database.connection_name, "Cloud SQL instance")
        out("workload_sa_email", self.workload.email, "The MLflow server's service account")
        out("db_password_secret_id", self.database.password_secret.id, "Secret Manager secret")
        out("kek_secret_id", self.kek.id, "Secret Manager secret of the secrets passphrase")
        out("registry_uri", self.registry.uri, "Docker repository for the server image")
        out("build_service_account", self.build.email, "Cloud Build runs `make image` as it")
        self.platform.add_outputs(self.database)
