"""Availability: rollout, spread, replicas, the PodDisruptionBudget, the grace period, and a
config change that rolls the pods. One test per invariant, on the synthesized charts."""

from __future__ import annotations

from settings import Settings
from tests.support import charts
from tests.support.charts import Objects, Synth


def test_rollout_and_spread(env: tuple[Settings, Objects]) -> None:
    settings, objects = env
    deployment = charts.one(objects, "Deployment")
    assert deployment["spec"]["replicas"] == settings.server.replicas
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    pod = deployment["spec"]["template"]["spec"]
    keys = {c["topologyKey"] for c in pod["topologySpreadConstraints"]}
    assert keys == {"topology.kubernetes.io/zone", "kubernetes.io/hostname"}
    selector = deployment["spec"]["selector"]["matchLabels"]
    for c in pod["topologySpreadConstraints"]:
        assert c["labelSelector"]["matchLabels"] == selector
        assert c["whenUnsatisfiable"] == "ScheduleAnyway"


def test_replicas_come_from_the_settings(env: tuple[Settings, Objects]) -> None:
    settings, objects = env
    assert charts.one(objects, "Deployment")["spec"]["replicas"] == settings.server.replicas


def test_pdb_selects_the_deployments_pods(env: tuple[Settings, Objects]) -> None:
    _, objects = env
    deployment = charts.one(objects, "Deployment")
    pdb = charts.one(objects, "PodDisruptionBudget")
    selector = pdb["spec"]["selector"]["matchLabels"]
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert selector.items() <= pod_labels.items()
    assert selector == deployment["spec"]["selector"]["matchLabels"]
    assert pdb["spec"]["maxUnavailable"] == 1


def test_grace_period_covers_the_proxy_drain_and_lb_draining(gke: Objects) -> None:
    from k8s import meta

    pod = charts.pod_spec(gke)
    grace = pod["terminationGracePeriodSeconds"]
    assert grace >= meta.PROXY_MAX_SIGTERM_DELAY_SECONDS + 30
    backend = charts.one(gke, "BackendConfig")
    assert backend["spec"]["connectionDraining"]["drainingTimeoutSec"] < grace


def test_config_change_rolls_the_pods(
    k8s_synth: Synth, gke_settings: Settings, gke: Objects
) -> None:
    def checksum(objects: Objects) -> str:
        meta = charts.one(objects, "Deployment")["spec"]["template"]["metadata"]
        return str(meta["annotations"]["checksum/config"])

    ingress = gke_settings.ingress.model_copy(update={"host": "tracking.example.org"})
    changed = k8s_synth(gke_settings.model_copy(update={"ingress": ingress}))
    assert charts.config(changed) != charts.config(gke)
    assert checksum(changed) != checksum(gke)
    assert len(checksum(gke)) == 64
