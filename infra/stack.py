"""The one Terraform stack of an environment: providers, state backend, then each concern.

The stack composes; what varies between deployments is asked of one object per axis, each
chosen once from the settings: the platform (infra/platforms/: the VPC, the cluster, the
workload's identity), the edge (infra/edges/), the database connectivity
(infra/connectivity/), the database credentials (infra/database_auth/) and where the secrets
live (infra/secrets/).
"""

from __future__ import annotations

from cdktf import GcsBackend, LocalBackend, TerraformOutput, TerraformStack
from cdktf_cdktf_provider_google.provider import GoogleProvider
from cdktf_cdktf_provider_random.provider import RandomProvider
from constructs import Construct

from infra.apis import CORE_APIS, MONITORING_APIS, RequiredApis, service_agent_apis
from infra.audit_logs import DataAccessAuditLogs
from infra.bucket import ArtifactBucket
from infra.build import ImageBuild
from infra.connectivity import connectivity_for
from infra.database import Database
from infra.database_auth import credentials_for
from infra.edge_protection import EdgeSecurityPolicy, ProjectIapSettings
from infra.edges import edge_for
from infra.encryption import AGENT_APIS, Encryption
from infra.identity import ServiceAccount
from infra.kek import KekPassphrase
from infra.monitoring import Monitoring
from infra.platforms import platform_type
from infra.project import ProjectFacts
from infra.registry import ImageRepository
from infra.secrets import secret_store_for
from settings import Settings
from settings.audit_logs import AUDITED_SERVICES
from settings.encryption import KeyUse, uses_for


class MlflowStack(TerraformStack):
    """Everything on Google Cloud that the MLflow server needs, for one environment.

    The parts every deployment shares are built here; the mode objects build the rest.
    """

    def __init__(self, scope: Construct, id: str, *, settings: Settings) -> None:
        super().__init__(scope, id)
        self.settings = settings
        names, target = settings.names, settings.target
        platform_class = platform_type(settings)
        self.edge = edge = edge_for(settings)
        self.connectivity = connectivity = connectivity_for(settings)
        secrets = secret_store_for(settings)
        credentials = credentials_for(settings, secrets)

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
        needed = (*CORE_APIS, *platform_class.apis, *edge.apis, *connectivity.apis, *secrets.apis)
        self.apis = apis = RequiredApis(self, "apis", services=dict.fromkeys((*needed, *watched)))
        self.project = ProjectFacts(
            self,
            "project",
            project_id=settings.project_id,
            claims=settings.project_number_claims(settings.project_id),
            depends_on=[apis["cloudresourcemanager"]],
        )
        enc = settings.encryption
        self.encryption = encryption = Encryption(
            self,
            "encryption",
            keys={u: k for u in uses_for(settings) if (k := enc.key_for(u)) is not None},
            project_id=settings.project_id,
            project_number=self.project.number,
            grant_service_agents=enc.grant_service_agents,
            depends_on={u: [apis[api]] for u, api in AGENT_APIS.items() if api in apis},
        )
        secrets.encrypt_with(encryption.key(KeyUse.SECRETS), encryption.ready(KeyUse.SECRETS))
        self.platform = platform = platform_class(
            self, settings, target, apis, self.project, encryption
        )

        self.bucket = ArtifactBucket(
            self,
            "artifacts",
            name=names.bucket,
            location=settings.bucket_location,
            noncurrent_version_days=settings.bucket.noncurrent_version_days,
            soft_delete_days=settings.bucket.soft_delete_days,
            force_destroy_with_objects=settings.bucket.force_destroy_with_objects,
            kms_key=encryption.key(KeyUse.BUCKET),
            depends_on=[apis["storage"], *encryption.ready(KeyUse.BUCKET)],
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
            kms_key=encryption.key(KeyUse.REGISTRY),
            depends_on=[apis["artifactregistry"], *encryption.ready(KeyUse.REGISTRY)],
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
            kms_key=encryption.key(KeyUse.BUCKET),
            depends_on=[
                apis["iam"],
                apis["cloudbuild"],
                apis["storage"],
                *encryption.ready(KeyUse.BUCKET),
            ],
            iam_depends_on=[apis["cloudresourcemanager"]],
        )

        network = connectivity.attach(self, platform.build_network(), apis)
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
            disk_type=db.disk_type,
            data_cache=db.data_cache,
            slow_statement_ms=db.log_min_duration_statement_ms,
            availability=db.availability.value,
            private_network=network.private_network,
            allocated_ip_range=network.allocated_ip_range,
            psc_consumer_projects=network.psc_consumer_projects,
            public_ip=db.allow_public_ip,
            backup_start_time=db.backup_start_time,
            retained_backups=db.retained_backups,
            transaction_log_retention_days=db.transaction_log_retention_days,
            maintenance_day=db.maintenance_day,
            maintenance_hour=db.maintenance_hour,
            database_name=names.database,
            credentials=credentials,
            deletion_protection=db.deletion_protection,
            encryption_key=encryption.key(KeyUse.DATABASE),
            labels=settings.common_labels,
            depends_on=[
                apis["sqladmin"],
                apis["secretmanager"],
                *network.depends_on,
                *encryption.ready(KeyUse.DATABASE),
            ],
            iam_depends_on=[apis["cloudresourcemanager"]],
        )
        connectivity.connect(self, self.database, apis)

        self.kek = KekPassphrase(
            self,
            "kek",
            secret_id=names.kek_secret,
            secrets=secrets,
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
        pod_secrets = [*credentials.pod_secrets, self.kek.secret]
        for secret in pod_secrets:
            secret.grant_access(member)
        reader = platform.connect_workload(workload=self.workload, registry=self.registry)
        if reader is not None:
            for secret in pod_secrets:
                secret.grant_access(reader.member, suffix="-ksa", depends_on=reader.depends_on)
        # The edge's load balancer is built in the cluster's project.
        edge.build(self, project=target.project, apis=apis)
        edge.admit_workload(self.workload)
        if target.is_gke:
            self._protection()
        if settings.monitoring.enabled:
            self._monitoring()
        self._outputs()

    def _protection(self) -> None:
        """The optional guards: IAP's project settings (workforce sign-in, programmatic
        clients) and Cloud Armor at the edge (in the cluster's
        project), Data Access audit logs (in project_id)."""
        s, apis, project = self.settings, self.apis, self.settings.target.project
        if s.ingress.workforce_identity is not None or s.ingress.programmatic_clients:
            ProjectIapSettings(
                self,
                "iap-settings",
                project=project,
                secret_project=s.project_id,
                workforce=s.ingress.workforce_identity,
                programmatic_clients=s.ingress.programmatic_clients,
                depends_on=[apis["iap"], apis["secretmanager"], apis["cloudresourcemanager"]],
            )
        if s.ingress.cloud_armor is not None:
            EdgeSecurityPolicy(
                self,
                "edge-policy",
                name=s.names.security_policy,
                armor=s.ingress.cloud_armor,
                project=project,
                depends_on=[apis["compute"]],
            )
        if s.audit_logs.data_access:
            DataAccessAuditLogs(
                self,
                "audit-logs",
                project=s.project_id,
                services=AUDITED_SERVICES,
                depends_on=[apis["cloudresourcemanager"]],
            )

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
        # The load balancer's and the pods' metrics are the cluster project's; alert policies
        # here see only project_id's (docs/deploy.md#deploy-into-an-existing-cluster).
        if self.platform.metrics_project == s.project_id:
            self.edge.watch(self.monitoring)
            self.platform.watch(self.monitoring)
        self.monitoring.add_dashboard()

    def _outputs(self) -> None:
        def out(name: str, value: str, description: str) -> None:
            TerraformOutput(self, name, value=value, description=description)

        out("bucket_url", self.bucket.url, "gs:// URL of the artifact bucket")
        out("instance_connection_name", self.database.connection_name, "Cloud SQL instance")
        out("workload_sa_email", self.workload.email, "The MLflow server's service account")
        out("kek_secret_id", self.kek.id, "Secret Manager secret of the secrets passphrase")
        out("registry_uri", self.registry.uri, "Docker repository for the server image")
        out("build_service_account", self.build.email, "Cloud Build runs `make image` as it")
        self.database.credentials.add_outputs(self)
        self.connectivity.add_outputs(self, self.database)
        self.edge.add_outputs(self)
        self.platform.add_outputs()
