"""IAP grants keyed by a short hash of each member: near-duplicate principals synthesize as two
grants (they once collided into one construct id and crashed synth), and no member's text, a
workforce group's object id included, reaches a Terraform resource name or construct path,
and the hash itself keeps detect-secrets quiet."""

from __future__ import annotations

import json
from typing import Any

import pytest
from detect_secrets import SecretsCollection
from detect_secrets.settings import default_settings

from infra.edge import member_id
from infra.grant_moves import logical_id
from settings import REPO_ROOT, Settings
from tests.support.terraform import Synth

# docs/access.md, Entra ID users: a workforce group by its object id, and a user by subject.
POOL = "principalSet://iam.googleapis.com/locations/global/workforcePools/entra-pool"
MEMBERS = (
    "user:jane.doe@acme.example",
    "user:jane-doe@acme.example",
    f"{POOL}/group/7c1f3e2a-94b8-4d6e-a0c5-3b9d8e1f6a27",
    "principal://iam.googleapis.com/locations/global/workforcePools/entra-pool/subject/"
    "9f8e7d6c-5b4a-4321-8fed-cba987654321",
)


@pytest.fixture(scope="module")
def doc(tf_synth: Synth, gke_settings: Settings) -> dict[str, Any]:
    ingress = gke_settings.ingress.model_copy(update={"iap_members": MEMBERS})
    return tf_synth(gke_settings.model_copy(update={"ingress": ingress}))


def test_every_member_has_its_own_grant(doc: dict[str, Any]) -> None:
    grants = doc["resource"]["google_iap_web_iam_member"]
    assert sorted(g["member"] for g in grants.values()) == sorted(MEMBERS)


def test_no_member_text_in_an_id(doc: dict[str, Any]) -> None:
    grants = doc["resource"]["google_iap_web_iam_member"]
    for key, grant in grants.items():
        ids = key
        assert f"iap-accessor-{member_id(grant['member'])}" in ids
        for part in ("jane", "doe", "7c1f3e2a", "entra", "9f8e7d6c", "acme"):
            assert part not in ids, (part, ids)


def test_detect_secrets_finds_nothing_in_the_grants(doc: dict[str, Any], tmp_path: Any) -> None:
    out = tmp_path / "cdk.tf.json"
    out.write_text(json.dumps(doc["resource"]["google_iap_web_iam_member"], indent=2))
    secrets = SecretsCollection()
    with default_settings():
        secrets.scan_file(str(out))
    assert not secrets.json(), secrets.json()


def test_the_id_is_a_short_stable_hash() -> None:
    assert member_id("group:ml-team@example.com") == member_id("group:ml-team@example.com")
    assert member_id("user:jane.doe@x.example") != member_id("user:jane-doe@x.example")
    assert len(member_id(MEMBERS[2])) == 14
    assert set(member_id(MEMBERS[2])) <= set("iap-accessor")


def test_the_dev_configs_grant_passes_detect_secrets(tmp_path: Any) -> None:
    """The committed environment's own line: with a 12-hex-digit id, its path line measured
    4.54 and detect-secrets flagged it."""
    out = tmp_path / "ids.json"
    ids = [
        f"mlflow-{env}/edge/iap-accessor-{member_id(m)}"
        for env in ("dev", "prod", "staging")
        for m in ("group:ml-team@example.com", *MEMBERS)
    ]
    out.write_text(json.dumps({"path": ids}, indent=2))
    secrets = SecretsCollection()
    with default_settings():
        secrets.scan_file(str(out))
    assert not secrets.json(), secrets.json()


def test_an_upgrade_moves_each_earlier_grant_instead_of_replacing_it() -> None:
    """The dev environment's grant, at the address the release before the hashed ids committed
    (git show a20ecdf:cdktf.out/stacks/mlflow-dev/cdk.tf.json), is moved, not destroyed."""
    stack = json.loads((REPO_ROOT / "cdktf.out/stacks/mlflow-dev/cdk.tf.json").read_text())
    (grant,) = stack["resource"]["google_iap_web_iam_member"]
    earlier = "edge_iap-accessor-group-ml-team-example-com_FAE5FA08"
    assert stack["moved"] == [
        {
            "from": f"google_iap_web_iam_member.{earlier}",
            "to": f"google_iap_web_iam_member.{grant}",
        }
    ]


def test_no_move_names_a_principal_or_a_member_two_grants_shared(doc: dict[str, Any]) -> None:
    """Workforce principals' old ids held their object ids (and are re-granted instead); the
    two jane-doe members slugged to one id, which earlier versions could not synthesize."""
    assert doc.get("moved", []) == []
    assert logical_id(["edge", "iap-accessor-group-ml-team-example-com"]) == (
        "edge_iap-accessor-group-ml-team-example-com_FAE5FA08"
    )
