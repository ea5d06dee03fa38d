"""Compose the environment's charts (one YAML file each in dist/, applied in name order).

Every object that differs between deployments is chosen here, once, from the settings, and
passed down: the platform (k8s/platforms/), the edge (k8s/edges/), the database connectivity
(k8s/connectivity/), the database login (k8s/database_auth/), where the secrets live
(k8s/secrets/) and who is who inside MLflow (k8s/auth.py). The charts take what they use and
never ask which mode they are in.

`kubectl apply -f dist/` reads the files sorted by name: the Namespace comes first, then the
objects that the Deployment refers to, the workload, its edge and its policy, then the
garbage-collection CronJob. The schema migration Job goes to a subfolder (upgrade-job/), which
that command does not read: `make upgrade` applies it.
"""

from __future__ import annotations

from cdk8s import App, Chart
from cdk8s_plus_33 import k8s

from k8s import proxy
from k8s.auth import auth_mode
from k8s.config import ConfigChart, allowed_hosts, allowed_origins, base_config
from k8s.connectivity import connectivity_for
from k8s.database_auth import database_auth_for
from k8s.edges import edge_for
from k8s.gc import GcChart
from k8s.meta import Workload
from k8s.migrate_job import MigrateJobChart
from k8s.platforms import platform_for
from k8s.pod import WorkloadPod
from k8s.pod_secrets import SecretFile
from k8s.policy import PolicyChart
from k8s.secrets import secret_location_for
from k8s.server import ServerChart
from settings import Settings, contract

# The charts that `make upgrade` alone applies: k8s/app.py writes them to UPGRADE_SUBDIR.
MIGRATE_CHART = "db-migrate"
UPGRADE_CHARTS = (MIGRATE_CHART,)


def build(app: App, settings: Settings) -> list[Chart]:
    names, server = settings.names, settings.server
    w = Workload.of(settings)
    platform = platform_for(settings, w)
    edge = edge_for(settings, w)
    connectivity = connectivity_for(settings)
    secrets = secret_location_for(settings)
    login = database_auth_for(settings, secrets)

    secret_files = [
        *login.secret_files(),
        SecretFile(
            resource=secrets.latest_version(names.kek_secret),
            key=contract.LOCAL_KEK_KEY,
            path=contract.KEK_FILE,
        ),
    ]
    credentials = platform.proxy_credentials()
    pod = WorkloadPod(
        workload=w,
        image=names.image,
        platform=platform,
        proxy=proxy.proxy_container(
            connection_name=names.connection_name,
            image=server.proxy_image,
            sizes=server.resources.proxy,
            address_flags=connectivity.proxy_args(),
            auth_flags=login.proxy_args(),
            credentials_file=credentials[0] if credentials else None,
            credentials_mount=credentials[1] if credentials else None,
        ),
        secret_files=secret_files,
    )
    config = {
        **base_config(
            names=names,
            server=server,
            hosts=allowed_hosts(w, edge, platform),
            origins=allowed_origins(edge),
        ),
        **login.config(),
        # Who is who inside MLflow (k8s/auth.py): nothing when IAP's admission is all there is.
        **auth_mode(settings, edge.iap_lookup()).config(),
        # The team's own variables; the settings model refuses the names above (server_options).
        **server.extra_env,
    }
    config = dict(sorted(config.items()))

    namespace = Chart(app, "00-namespace", labels=w.labels)
    k8s.KubeNamespace(namespace, "namespace", metadata=k8s.ObjectMeta(name=w.namespace))
    charts = [
        namespace,
        ConfigChart(
            app, "10-config", workload=w, platform=platform, data=config, secret_files=secret_files
        ),
        ServerChart(
            app, "20-server", pod=pod, server=server, edge=edge, platform=platform, config=config
        ),
        *edge.charts(app),
        PolicyChart(
            app,
            "40-policy",
            workload=w,
            ingress=[*edge.ingress_flows(), *platform.ingress_flows()],
            egress=[
                *platform.cluster_egress(),
                *connectivity.egress(),
                *platform.google_apis_egress(),
            ],
        ),
        GcChart(app, "50-gc", pod=pod, gc=settings.garbage_collection),
        # Published to <manifests>/upgrade-job/ (UPGRADE_CHARTS): `make upgrade` applies it.
        MigrateJobChart(app, MIGRATE_CHART, pod=pod, server=server, config=config),
    ]
    return charts
