"""The secrets users store through the server (AI gateway API keys) are encrypted with the
passphrase Terraform generated, mounted as a file, never with MLflow's built-in default one.

The pod's `db-migrate` re-wraps what an older passphrase left (a server that ran without one,
or the previous version after a rotation), so raising `server.kek_version` loses no secret.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.e2e.conftest import CLIENT_AUDIENCE, MIGRATE, Cluster, make_passphrase
from tests.e2e.ingress import IngressStandIn
from tests.e2e.web import through_ingress
from tests.support.google_standin import GoogleStandIn
from tests.support.net import http_get, http_json
from tests.support.pod import kek_document

pytestmark = pytest.mark.e2e

CREATE = "/api/3.0/mlflow/gateway/secrets/create"
CONFIG = "/ajax-api/3.0/mlflow/gateway/secrets/config"


def _create(cluster: Cluster, name: str, value: str) -> str:
    status, body = http_json(
        "POST",
        cluster.local_url + CREATE,
        {"secret_name": name, "secret_value": {"api_key": value}, "provider": "openai"},
        host=cluster.host_header,
    )
    assert status == 200, body
    return str(body["secret"]["secret_id"])


def _row(cluster: Cluster, secret_id: str) -> tuple[Any, ...]:
    ((row),) = cluster.pg.query(
        cluster.database,
        "SELECT secret_name, encrypted_value, wrapped_dek, kek_version FROM secrets "
        "WHERE secret_id = %s",
        secret_id,
    )
    return tuple(row)


def _open(cluster: Cluster, secret_id: str, passphrase: str, version: int) -> Any:
    """Decrypt as the server does (mlflow.utils.crypto), with the given passphrase."""
    from mlflow.utils.crypto import KEKManager, _decrypt_secret

    name, value, dek, stored_version = _row(cluster, secret_id)
    assert stored_version == version
    manager = KEKManager(passphrase=passphrase, kek_version=version)
    return _decrypt_secret(bytes(value), bytes(dek), manager, secret_id, name)


def _config_as_admin(cluster: Cluster, ingress: IngressStandIn, google: GoogleStandIn) -> Any:
    """The secrets config as an MLflow admin sees it: MLflow's auth app shows whether the
    default passphrase is in use to admins only."""
    id_token = google.accounts.id_token(email=cluster.admin, audience=CLIENT_AUDIENCE)
    reply = through_ingress(ingress, "GET", CONFIG, token=id_token)
    assert reply.status == 200, reply.body
    return reply.json()


def test_server_does_not_use_the_default_passphrase(
    cluster: Cluster, ingress: IngressStandIn, google: GoogleStandIn
) -> None:
    assert _config_as_admin(cluster, ingress, google) == {
        "secrets_available": True,
        "using_default_passphrase": False,
    }
    # Anyone else (here the port-forward user, no admin) is not told either way.
    status, body = http_json("GET", cluster.local_url + CONFIG, host=cluster.host_header)
    assert (status, body) == (200, {"secrets_available": True})


def test_a_stored_secret_opens_with_the_generated_passphrase_only(cluster: Cluster) -> None:
    from mlflow.exceptions import MlflowException
    from mlflow.utils.crypto import DEFAULT_KEK_PASSPHRASE

    value = "sk-" + make_passphrase()
    secret_id = _create(cluster, "e2e-openai", value)
    name, encrypted, _, version = _row(cluster, secret_id)
    assert name == "e2e-openai"
    assert value.encode() not in bytes(encrypted)
    assert version == cluster.kek_version
    assert _open(cluster, secret_id, cluster.passphrase, version) == {"api_key": value}
    with pytest.raises(MlflowException, match="Failed to decrypt"):
        _open(cluster, secret_id, DEFAULT_KEK_PASSPHRASE, version)


def test_passphrase_never_in_logs_argv_or_manifests(cluster: Cluster) -> None:
    assert cluster.server is not None
    logs = cluster.migrate_log + cluster.server.logs()
    assert cluster.passphrase not in logs
    for pid in cluster.server.pids():
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            assert cluster.passphrase.encode() not in f.read()
    assert cluster.passphrase not in str(cluster.manifests.objects)
    # The server process has it (MLflow reads its environment); the pod spec does not.
    spec = cluster.server.container.spec
    assert "MLFLOW_CRYPTO_KEK_PASSPHRASE" not in str(spec)


def test_rotation_and_the_default_passphrase_lose_no_secret(
    cluster: Cluster, ingress: IngressStandIn, google: GoogleStandIn
) -> None:
    """A secret left under MLflow's default passphrase (stored before this deployment had one)
    and one under the current passphrase: after `server.kek_version` goes up by one (a new
    passphrase, the old one as `previous`), db-migrate re-wraps both, and the restarted server
    works with the new passphrase."""
    from mlflow.utils.crypto import DEFAULT_KEK_PASSPHRASE, KEKManager, unwrap_dek, wrap_dek

    old_version, old_passphrase = cluster.kek_version, cluster.passphrase
    current_id = _create(cluster, "e2e-rotated", "sk-rotated")
    legacy_id = _create(cluster, "e2e-legacy", "sk-legacy")
    # What a server without a passphrase would have stored: the same secret under the default.
    _, _, dek, _ = _row(cluster, legacy_id)
    plain = unwrap_dek(bytes(dek), KEKManager(old_passphrase, old_version).get_kek())
    default = wrap_dek(plain, KEKManager(DEFAULT_KEK_PASSPHRASE, old_version).get_kek())
    cluster.pg.query(
        cluster.database,
        "UPDATE secrets SET wrapped_dek = %s WHERE secret_id = %s RETURNING secret_id",
        default,
        legacy_id,
    )

    new_version, new_passphrase = old_version + 1, make_passphrase()
    cluster.pod.files["KEK_PASSPHRASE_FILE"] = kek_document(
        new_passphrase, new_version, previous={old_version: old_passphrase}
    )
    cluster.kek_version, cluster.passphrase = new_version, new_passphrase
    migrate = cluster.pod.run_to_completion(MIGRATE)
    log = migrate.stdout + migrate.stderr
    assert migrate.returncode == 0, log[-4000:]
    rewrapped = [line for line in log.splitlines() if "re-wrapped" in line]
    assert len(rewrapped) == 1, log
    assert rewrapped[0].endswith(f"secret(s) under KEK version {new_version}"), log
    assert "open with no known KEK passphrase" not in log
    assert new_passphrase not in log
    assert old_passphrase not in log
    for secret_id, value in ((current_id, "sk-rotated"), (legacy_id, "sk-legacy")):
        assert _open(cluster, secret_id, new_passphrase, new_version) == {"api_key": value}

    assert cluster.server is not None
    cluster.server.stop()
    cluster.start_server()  # as a rollout does: the new pod reads the new file
    assert _config_as_admin(cluster, ingress, google)["using_default_passphrase"] is False
    listed = http_get(
        f"{cluster.local_url}/api/3.0/mlflow/gateway/secrets/get?secret_id={quote(legacy_id)}",
        host=cluster.host_header,
    )
    assert listed[0] == 200, listed
