"""What the suite attacks: Alice's protected resources, Bob under an explicit denial, and the
credentials each peer sends.

Alice (no admin) owns an experiment, a run with an artifact, a registered model, a prompt and
a logged model; an admin grants Bob DENY on each (MLflow's explicit denial, stronger
than the default READ). Every one of them holds `secret`, a fresh random string, in its name,
a param, the artifact's bytes or a description: an answer that holds it leaked protected
content. Bob owns an experiment and run of his own (the path-traversal and mlflow.user
cases start from them).
"""

from __future__ import annotations

import base64
import hashlib
import json
import string
import uuid
from dataclasses import dataclass, field
from typing import Any

from tests.e2e.conftest import CLIENT_AUDIENCE, Cluster
from tests.e2e.hostile import forged, raw
from tests.e2e.hostile.case import INGRESS, Case
from tests.e2e.ingress import IngressStandIn
from tests.e2e.peers import PEERS
from tests.support.google_standin import GoogleStandIn

ALICE, BOB = "alice@example.com", "bob@example.com"
ASSERTION = "x-goog-iap-jwt-assertion"
API = "/api/2.0/mlflow"
# MLflow 3.17's per-user grants (mlflow/server/auth/routes.py GRANT_USER_PERMISSION).
GRANT = "/api/3.0/mlflow/users/permissions/grant"


@dataclass
class World:
    cluster: Cluster
    ingress: IngressStandIn
    google: GoogleStandIn
    secret: str = field(default_factory=lambda: f"hostile-secret-{uuid.uuid4().hex}")
    values: dict[str, str] = field(default_factory=dict)
    _tokens: dict[str, str] = field(default_factory=dict)
    _forger: forged.Forger | None = None

    # -- who is who ----------------------------------------------------------------------------

    def user(self, who: str) -> str:
        """A role ('bob', 'admin', 'port_forward', ...) or an email, as an MLflow username."""
        return self.values.get(who, who)

    def assertion(self, who: str) -> str:
        email = self.user(who)
        user_id = str(int(hashlib.sha256(email.encode()).hexdigest()[:15], 16))
        return self.google.iap.assertion(
            email=email, user_id=user_id, audience=self.cluster.audience
        )

    def token(self, who: str) -> str:
        email = self.user(who)
        if email not in self._tokens:
            self._tokens[email] = self.google.accounts.id_token(
                email=email, audience=CLIENT_AUDIENCE, lifetime=3600
            )
        return self._tokens[email]

    def forged(self, kind: str) -> str:
        if self._forger is None:
            self._forger = forged.Forger(
                self.google, audience=self.cluster.audience, email=self.cluster.admin
            )
        return forged.make(self._forger, kind)

    # -- sending -------------------------------------------------------------------------------

    def fill(self, template: str) -> str:
        return string.Template(template).substitute(self.values)

    def request(self, case: Case) -> bytes:
        headers: list[tuple[str, str] | str] = []
        host = case.host
        if host is None:
            host = "$ingress_host" if case.peer in (INGRESS, "lb") else "$service_host"
        if host:
            headers.append(("Host", self.fill(host)))
        if case.who is not None:
            if case.peer == INGRESS:
                headers.append(("Authorization", f"Bearer {self.token(case.who)}"))
            else:
                headers.append((ASSERTION, self.assertion(case.who)))
        if case.forged is not None:
            headers.append((ASSERTION, self.forged(case.forged)))
        for h in case.headers:
            headers.append((h[0], self.fill(h[1])) if isinstance(h, tuple) else self.fill(h))
        body = None if case.body is None else self.fill(case.body).encode()
        if body is not None and case.json:
            headers.append(("Content-Type", "application/json"))
        return raw.request_bytes(case.method, self.fill(case.target), headers, body)

    def connect(self, peer: str, timeout: float = raw.TIMEOUT) -> Any:
        if peer == INGRESS:
            sock = raw.connect(
                self.ingress.port,
                source="127.0.0.1",
                tls=self.ingress.ssl_context(),
                server_name=self.ingress.host,
            )
        else:
            sock = raw.connect(self.cluster.container_port, source=PEERS[peer])
        sock.settimeout(timeout)
        return sock

    def send(self, case: Case) -> raw.Answer:
        sock = self.connect(case.peer, timeout=case.timeout)
        if case.stream_mib:
            return raw.stream(sock, self.request(case), mib=case.stream_mib)
        return raw.exchange(sock, self.request(case))

    def call(self, who: str, method: str, path: str, body: Any = None) -> Any:
        """A set-up call: `who`'s valid assertion, from the load balancer; JSON in and out."""
        headers = [
            ("Host", self.cluster.settings.ingress.host),
            (ASSERTION, self.assertion(who)),
        ]
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            headers.append(("Content-Type", "application/json"))
        answer = raw.exchange(self.connect("lb"), raw.request_bytes(method, path, headers, data))
        assert answer.status == 200, (method, path, answer.status, answer.text[:2000])
        return json.loads(answer.body or b"{}")

    # -- the protected resources ---------------------------------------------------------------

    def build(self) -> World:
        c, s = self.cluster, self.secret
        self.values.update(
            alice=ALICE,
            bob=BOB,
            admin=c.admin,
            port_forward=c.settings.auth.port_forward_user,
            in_cluster=c.settings.auth.in_cluster_user or "",
            secret=s,
            ingress_host=c.settings.ingress.host,
            service_host=c.host_header,
        )
        self.values["admin_assertion"] = self.assertion("admin")
        self.values["admin_basic"] = base64.b64encode(f"{c.admin}:x".encode()).decode()
        uid = uuid.uuid4().hex[:8]
        for who in (ALICE, BOB):
            self.call(who, "GET", f"{API}/users/current")
        exp = self.call(ALICE, "POST", f"{API}/experiments/create", {"name": f"{s}-exp"})
        exp_id = exp["experiment_id"]
        run = self.call(
            ALICE,
            "POST",
            f"{API}/runs/create",
            {"experiment_id": exp_id, "run_name": f"{s}-run", "start_time": 1},
        )["run"]["info"]["run_id"]
        self.call(
            ALICE, "POST", f"{API}/runs/log-parameter", {"run_id": run, "key": "k", "value": s}
        )
        self.call(
            ALICE, "POST", f"{API}/runs/log-metric",
            {"run_id": run, "key": "m", "value": 1.5, "timestamp": 1, "step": 0},
        )  # fmt: skip
        self.call(
            ALICE,
            "PUT",
            f"/api/2.0/mlflow-artifacts/artifacts/{exp_id}/{run}/artifacts/secret.txt",
            s.encode(),
        )
        model = f"{s}-model"
        self.call(
            ALICE, "POST", f"{API}/registered-models/create", {"name": model, "description": s}
        )
        self.call(
            ALICE, "POST", f"{API}/model-versions/create",
            {"name": model, "source": f"mlflow-artifacts:/{exp_id}/{run}/artifacts", "run_id": run},
        )  # fmt: skip
        prompt = f"{s}-prompt"
        self.call(
            ALICE, "POST", f"{API}/registered-models/create",
            {"name": prompt, "tags": [{"key": "mlflow.prompt.is_prompt", "value": "true"}]},
        )  # fmt: skip
        self.call(
            ALICE, "POST", f"{API}/model-versions/create",
            {
                "name": prompt, "source": "dummy-source", "description": s,
                "tags": [
                    {"key": "mlflow.prompt.is_prompt", "value": "true"},
                    {"key": "mlflow.prompt.text", "value": s},
                ],
            },
        )  # fmt: skip
        logged = self.call(
            ALICE, "POST", f"{API}/logged-models",
            {"experiment_id": exp_id, "name": f"{s}-lm", "params": [{"key": "k", "value": s}]},
        )["model"]["info"]["model_id"]  # fmt: skip
        for kind, resource in (
            ("experiment", exp_id),
            ("registered_model", model),
            ("prompt", prompt),
        ):
            self.call(
                c.admin, "POST", GRANT,
                {"username": BOB, "resource_type": kind, "resource_id": resource,
                 "permission": "DENY"},
            )  # fmt: skip
        bob_exp = self.call(BOB, "POST", f"{API}/experiments/create", {"name": f"bob-{uid}"})
        bob_run = self.call(
            BOB, "POST", f"{API}/runs/create",
            {"experiment_id": bob_exp["experiment_id"], "start_time": 1},
        )["run"]["info"]["run_id"]  # fmt: skip
        bob_model = f"bob-model-{uid}"
        self.call(BOB, "POST", f"{API}/registered-models/create", {"name": bob_model})
        self.call(
            BOB, "POST", f"{API}/model-versions/create",
            {"name": bob_model, "run_id": bob_run,
             "source": f"mlflow-artifacts:/{bob_exp['experiment_id']}/{bob_run}/artifacts"},
        )  # fmt: skip
        bob_lm = self.call(
            BOB, "POST", f"{API}/logged-models",
            {"experiment_id": bob_exp["experiment_id"], "name": f"bob-lm-{uid}"},
        )["model"]["info"]["model_id"]  # fmt: skip
        self.values.update(
            exp=exp_id,
            exp_name=f"{s}-exp",
            run=run,
            model=model,
            prompt=prompt,
            lm=logged,
            bob_exp=bob_exp["experiment_id"],
            bob_run=bob_run,
            bob_model=bob_model,
            bob_lm=bob_lm,
            uid=uid,
        )
        return self
