"""Every name both apps need, derived once from the prefix, the environment and the project.

Deterministic: no random suffixes, so a redeploy finds what the last one created. Both apps and
the Makefile's commands read `settings.names`; none of these is set by hand. The formulas are
listed in docs/configuration.md ("Derived names"), rendered from this code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from settings import rules
from settings.targets import ExistingGke, Target

if TYPE_CHECKING:
    from settings.model import Settings


@dataclass(frozen=True)
class Names:
    """Every name both apps need, derived once. Deterministic: no random suffixes."""

    base: str
    project_id: str
    region: str
    bucket: str
    artifact_destination: str
    sql_instance: str
    connection_name: str
    database: str
    auth_database: str
    db_user: str
    db_iam_user: str
    db_owner_role: str
    db_password_secret: str
    kek_secret: str
    workload_sa_id: str
    workload_sa_email: str
    build_sa_id: str
    build_sa_email: str
    build_bucket: str
    builder_role: str
    backend_lister_role: str
    node_sa_id: str
    node_sa_email: str
    network: str
    subnet: str
    router: str
    nat: str
    private_services_range: str
    psc_endpoint: str
    psc_dns_zone: str
    private_dns_zone: str  # googleapis.com.
    gstatic_dns_zone: str  # gstatic.com.
    pkg_dev_dns_zone: str  # pkg.dev. (inside a VPC Service Controls perimeter)
    restricted_route: str  # to restricted.googleapis.com (inside a perimeter)
    private_route: str  # to private.googleapis.com (inside a perimeter: IAP's keys)
    host_firewall: str  # the load balancer's health checks to the pods (shared VPC host)
    security_policy: str  # Cloud Armor
    cluster: str
    node_pool: str
    registry_repository: str
    image: str
    static_ip: str
    ssl_policy: str
    certificate: str
    certificate_map: str
    dns_authorization: str
    namespace: str
    ksa: str
    service: str
    workload_pool: str
    workload_identity_member: str
    federation_pool: str
    federation_provider: str
    federation_subject: str
    federation_audience: str | None
    gcp_credentials_config_map: str
    iap_oauth_secret: str
    credentials_secret: str
    terraform_stack: str

    @classmethod
    def derive(cls, s: Settings, target: Target | None = None) -> Names:
        """The names of `s`, whose platform is `target` (default: `s.target`)."""
        target = target or s.target
        base = f"{s.prefix}-{s.environment}"
        p = s.project_id
        registry_repository = base
        image = s.server.image or (
            f"{s.region}-docker.pkg.dev/{p}/{registry_repository}/mlflow-server:{s.server.image_tag}"
        )
        workload_sa_id = f"{base}-server"
        # The team's cluster names its own cluster, network and private services range.
        existing = target.existing if isinstance(target, ExistingGke) else None
        cluster_project = target.project
        node_sa_id = f"{base}-nodes"
        namespace = s.server.namespace or base
        ksa = "mlflow-server"
        bucket = f"{p}-{base}-artifacts"
        instance = f"{base}-pg"
        return cls(
            base=base,
            project_id=p,
            region=s.region,
            bucket=bucket,
            artifact_destination=f"gs://{bucket}/{s.bucket.artifact_prefix}",
            sql_instance=instance,
            connection_name=f"{p}:{s.region}:{instance}",
            database=s.database.database_name,
            # MLflow's users and permissions, in the same instance (created by db-migrate).
            auth_database=f"{s.database.database_name}_auth",
            db_user=s.database.user,
            # The workload's IAM database user: Cloud SQL names a service account's user by its
            # email without ".gserviceaccount.com"
            # (https://cloud.google.com/sql/docs/postgres/add-manage-iam-users).
            db_iam_user=f"{workload_sa_id}@{p}.iam",
            # The NOLOGIN role that owns MLflow's tables, of which every login is a member
            # (docs/enterprise.md: No database password).
            db_owner_role=f"{s.database.database_name}_owner",
            db_password_secret=f"{base}-db-password",
            kek_secret=f"{base}-kek",
            workload_sa_id=workload_sa_id,
            workload_sa_email=f"{workload_sa_id}@{p}.iam.gserviceaccount.com",
            build_sa_id=f"{base}-build",
            build_sa_email=f"{base}-build@{p}.iam.gserviceaccount.com",
            build_bucket=f"{p}-{base}-build",
            # Custom role IDs allow letters, digits, _ and . only.
            builder_role=f"{s.prefix}_{s.environment}_image_builder",
            # In the cluster's project, where the Ingress builds the backend service.
            backend_lister_role=f"{s.prefix}_{s.environment}_backend_lister",
            node_sa_id=node_sa_id,
            node_sa_email=f"{node_sa_id}@{p}.iam.gserviceaccount.com",
            network=existing.network_name if existing else f"{base}-vpc",
            subnet=f"{base}-gke",
            router=f"{base}-router",
            nat=f"{base}-nat",
            private_services_range=(existing.private_services.range_name if existing else None)
            or f"{base}-psa",
            # database.connectivity psc: the endpoint (its address and forwarding rule) and the
            # private zone of the instance's DNS name.
            psc_endpoint=f"{base}-sql-psc",
            psc_dns_zone=f"{base}-sql-psc",
            private_dns_zone=f"{base}-googleapis",
            gstatic_dns_zone=f"{base}-gstatic",
            pkg_dev_dns_zone=f"{base}-pkg-dev",
            restricted_route=f"{base}-restricted-apis",
            private_route=f"{base}-private-apis",
            host_firewall=f"{base}-lb-health-checks",
            security_policy=f"{base}-edge",
            cluster=existing.name if existing else f"{base}-gke",
            node_pool=f"{base}-pool",
            registry_repository=registry_repository,
            image=image,
            static_ip=f"{base}-ingress-ip",
            ssl_policy=f"{base}-tls",
            # Certificate Manager (the Gateway edge): the host's certificate, its map and the
            # DNS authorization that proves the host is ours.
            certificate=f"{base}-cert",
            certificate_map=f"{base}-certs",
            dns_authorization=f"{base}-dns-auth",
            namespace=namespace,
            ksa=ksa,
            service="mlflow-server",
            workload_pool=f"{cluster_project}.svc.id.goog",
            workload_identity_member=(
                f"serviceAccount:{cluster_project}.svc.id.goog[{namespace}/{ksa}]"
            ),
            federation_pool=f"{base}-k8s",
            federation_provider=f"{base}-oidc",
            federation_subject=f"system:serviceaccount:{namespace}:{ksa}",
            federation_audience=(
                f"//iam.googleapis.com/projects/{s.project_number}/locations/global/"
                f"workloadIdentityPools/{base}-k8s/providers/{base}-oidc"
                if s.project_number
                else None
            ),
            gcp_credentials_config_map="mlflow-server-gcp-credentials",
            iap_oauth_secret="mlflow-server-iap-oauth",  # noqa: S106  # pragma: allowlist secret
            credentials_secret="mlflow-server-credentials",  # noqa: S106  # pragma: allowlist secret
            terraform_stack=base,
        )

    def check(self) -> None:
        """Validate derived names against the services' rules, naming the inputs to change."""
        why = "derived from prefix, environment and project_id; shorten one of them"
        checks = [
            ("bucket", self.bucket, rules.BUCKET),
            ("build_bucket", self.build_bucket, rules.BUCKET),
            ("build_sa_id", self.build_sa_id, rules.SERVICE_ACCOUNT_ID),
            ("sql_instance", self.sql_instance, rules.SQL_INSTANCE),
            ("workload_sa_id", self.workload_sa_id, rules.SERVICE_ACCOUNT_ID),
            ("node_sa_id", self.node_sa_id, rules.SERVICE_ACCOUNT_ID),
            ("cluster", self.cluster, rules.GKE_CLUSTER),
            ("network", self.network, rules.GCE_NAME),
            ("static_ip", self.static_ip, rules.GCE_NAME),
            # Cloud DNS managed zones: a letter first, then lowercase letters, digits, hyphens.
            ("private_dns_zone", self.private_dns_zone, rules.GCE_NAME),
            ("gstatic_dns_zone", self.gstatic_dns_zone, rules.GCE_NAME),
            ("pkg_dev_dns_zone", self.pkg_dev_dns_zone, rules.GCE_NAME),
            ("host_firewall", self.host_firewall, rules.GCE_NAME),
            ("security_policy", self.security_policy, rules.GCE_NAME),
            ("psc_endpoint", self.psc_endpoint, rules.GCE_NAME),
            ("registry_repository", self.registry_repository, rules.REGISTRY_REPOSITORY),
            ("db_password_secret", self.db_password_secret, rules.SECRET_ID),
            ("kek_secret", self.kek_secret, rules.SECRET_ID),
            ("federation_pool", self.federation_pool, rules.WORKLOAD_IDENTITY_POOL_ID),
            ("federation_provider", self.federation_provider, rules.WORKLOAD_IDENTITY_POOL_ID),
            ("namespace", self.namespace, rules.DNS1123_LABEL),
        ]
        for field, value, rule in checks:
            try:
                rule.check(value)
            except ValueError as exc:
                raise ValueError(f"derived name {field}: {exc}; {why}") from None
        if self.bucket.startswith("goog") or "google" in self.bucket:
            raise ValueError(
                f"derived name bucket: {self.bucket!r} must not start with 'goog' or contain "
                "'google' "
                f"(Cloud Storage naming rule); {why}"
            )
