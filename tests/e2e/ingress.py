"""The GKE ingress + IAP, stood in for by real parts on loopback.

* nginx (Debian's) terminates TLS for `ingress.host` with a certificate made now by openssl
  (a throwaway CA, so a client can trust exactly it), and forwards to the server started as
  dist/ says, from 127.0.0.2: like Google's front ends, the proxy is not the pod's loopback.
* Every request first goes to IapService by nginx's `auth_request`. IapService decides the
  identity as IAP does: a signed-in browser session (a cookie its sign-in page sets), or a
  bearer token in `Authorization` / `Proxy-Authorization` that it verifies (a Google-signed ID
  token for the configured audience). It refuses anyone else: no credentials -> 302 to the
  sign-in page, a bad token -> 401, a principal not in the allowed members -> 403. It returns
  the ES256 `x-goog-iap-jwt-assertion` and the two identity headers, which nginx forwards;
  nginx overwrites any client-sent copy of the x-goog-* headers.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import urllib.parse
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.support.google_standin import GoogleStandIn
from tests.support.net import free_port, wait_for

SESSION_COOKIE = "GCP_IAP_STANDIN"
LB_ADDRESS = "127.0.0.2"  # where the proxy connects from: not the pod's 127.0.0.1
SIGNIN_PATH = "/_gcp_iap/signin"


class IapService:
    """The auth_request target and the sign-in page."""

    def __init__(
        self,
        google: GoogleStandIn,
        *,
        audience: str,
        client_audience: str,
        members: Iterable[str],
    ) -> None:
        self.google, self.audience, self.client_audience = google, audience, client_audience
        self.members = set(members)
        self._session_key = secrets.token_bytes(32)
        self.decisions: list[tuple[str, str]] = []  # (principal or reason, how)
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, headers: dict[str, str], body: bytes = b"") -> None:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                if self.path == "/auth":
                    status, headers = service.authorize(self.headers)
                    self._send(status, headers)
                elif self.path.startswith(SIGNIN_PATH):
                    page = (
                        "<!doctype html><title>Sign in (IAP stand-in)</title>"
                        f'<form method="post" action="{SIGNIN_PATH}">'
                        '<label>Email <input name="email" id="email"></label>'
                        '<button type="submit" id="signin">Sign in</button></form>'
                    )
                    self._send(200, {"Content-Type": "text/html"}, page.encode())
                else:
                    self._send(404, {})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                email = form.get("email", "").strip().lower()
                if not email:
                    self._send(400, {}, b"email required")
                    return
                cookie = (
                    f"{SESSION_COOKIE}={service.session(email)}; Path=/; Secure; HttpOnly; "
                    "SameSite=Lax"
                )
                self._send(302, {"Set-Cookie": cookie, "Location": "/"})

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def session(self, email: str) -> str:
        mac = hmac.new(self._session_key, email.encode(), hashlib.sha256).hexdigest()
        return f"{urllib.parse.quote(email)}.{mac}"

    def _session_email(self, cookies: str) -> str | None:
        for part in cookies.split(";"):
            name, _, value = part.strip().partition("=")
            if name == SESSION_COOKIE and "." in value:
                quoted = value.rpartition(".")[0]
                email = urllib.parse.unquote(quoted)
                if hmac.compare_digest(self.session(email), value):
                    return email
        return None

    def authorize(self, headers: Any) -> tuple[int, dict[str, str]]:
        email: str | None = None
        how = "none"
        for name in ("Proxy-Authorization", "Authorization"):
            value = headers.get(name, "")
            if value.lower().startswith("bearer "):
                how = "bearer"
                try:
                    claims = self.google.accounts.verify_id_token(value[7:], self.client_audience)
                except Exception as exc:
                    self.decisions.append((f"bad token: {exc}", how))
                    return 401, {"X-Iap-Reason": "invalid bearer token"}
                email = str(claims["email"]).lower()
                break
        if email is None:
            email = self._session_email(headers.get("Cookie", ""))
            how = "session" if email else "none"
        if email is None:
            self.decisions.append(("no identity", how))
            return 401, {"X-Iap-Reason": "sign in"}
        if email not in self.members:
            self.decisions.append((f"not a member: {email}", how))
            return 403, {"X-Iap-Reason": "You don't have access"}
        user_id = str(int(hashlib.sha256(email.encode()).hexdigest()[:15], 16))
        assertion = self.google.iap.assertion(email=email, user_id=user_id, audience=self.audience)
        self.decisions.append((email, how))
        return 200, {
            "X-Iap-Jwt": assertion,
            "X-Iap-Email": f"accounts.google.com:{email}",
            "X-Iap-Id": f"accounts.google.com:{user_id}",
        }


NGINX_CONF = """\
worker_processes 1;
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log info;
events {{ worker_connections 256; }}
http {{
  access_log {root}/access.log;
  client_body_temp_path {root}/body;
  proxy_temp_path {root}/proxy;
  fastcgi_temp_path {root}/fastcgi;
  uwsgi_temp_path {root}/uwsgi;
  scgi_temp_path {root}/scgi;
  client_max_body_size 0;
  server {{
    listen 127.0.0.1:{port} ssl;
    absolute_redirect off;
    server_name {host};
    ssl_certificate {root}/server.crt;
    ssl_certificate_key {root}/server.key;
    ssl_protocols TLSv1.2 TLSv1.3;

    location = /_iap_auth {{
      internal;
      proxy_pass http://127.0.0.1:{iap_port}/auth;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
    }}
    location {signin} {{
      proxy_pass http://127.0.0.1:{iap_port};
    }}
    location @unauthenticated {{
      if ($http_authorization) {{ return 401 "IAP: invalid bearer token"; }}
      if ($http_proxy_authorization) {{ return 401 "IAP: invalid bearer token"; }}
      return 302 {signin};
    }}
    location @forbidden {{
      return 403 "You don't have access";
    }}
    location / {{
      auth_request /_iap_auth;
      auth_request_set $iap_jwt $upstream_http_x_iap_jwt;
      auth_request_set $iap_email $upstream_http_x_iap_email;
      auth_request_set $iap_id $upstream_http_x_iap_id;
      error_page 401 = @unauthenticated;
      error_page 403 = @forbidden;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto https;
      proxy_set_header x-goog-iap-jwt-assertion $iap_jwt;
      proxy_set_header x-goog-authenticated-user-email $iap_email;
      proxy_set_header x-goog-authenticated-user-id $iap_id;
      proxy_set_header x-mlflow-iap-principal "";
      proxy_bind {lb_address};
      proxy_pass http://127.0.0.1:{server_port};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_request_buffering off;
      proxy_buffering off;
      proxy_read_timeout 600s;
    }}
  }}
}}
"""


def make_certificate(root: Path, host: str) -> Path:
    """A throwaway CA and a server certificate for `host` signed by it; returns the CA file."""

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)

    ca_key, ca = root / "ca.key", root / "ca.crt"
    openssl(
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", str(ca_key), "-out", str(ca), "-days", "2", "-subj", "/CN=e2e throwaway CA",
    )  # fmt: skip
    ext = root / "san.ext"
    ext.write_text(f"subjectAltName=DNS:{host}\nbasicConstraints=CA:FALSE\n")
    openssl(
        "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", str(root / "server.key"), "-out", str(root / "server.csr"),
        "-subj", f"/CN={host}",
    )  # fmt: skip
    openssl(
        "x509", "-req", "-in", str(root / "server.csr"), "-CA", str(ca), "-CAkey", str(ca_key),
        "-CAcreateserial", "-out", str(root / "server.crt"), "-days", "2", "-extfile", str(ext),
    )  # fmt: skip
    ca_key.unlink()
    return ca


class Nginx:
    def __init__(self, *, host: str, server_port: int, iap_port: int) -> None:
        binary = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
        if binary is None:
            raise RuntimeError(
                "nginx is not installed: run tests/install-system-packages.sh as root"
            )
        self.binary = binary
        self.host, self.port = host, free_port()
        self.root = Path(tempfile.mkdtemp(prefix="e2e-nginx-"))
        self.ca = make_certificate(self.root, host)
        self.conf = self.root / "nginx.conf"
        self.conf.write_text(
            NGINX_CONF.format(
                root=self.root,
                port=self.port,
                host=host,
                iap_port=iap_port,
                server_port=server_port,
                signin=SIGNIN_PATH,
                lb_address=LB_ADDRESS,
            )
        )
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            # -e: even the errors before the config is read go to our folder.
            [self.binary, "-p", str(self.root), "-c", str(self.conf), "-e", "error.log"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

        def listening() -> bool:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.error_log()[-2000:]}")
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", self.port)) == 0

        wait_for(listening, timeout=20, what="nginx")

    def error_log(self) -> str:
        path = self.root / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGQUIT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)

    def cleanup(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


class IngressStandIn:
    """nginx + IapService in front of the server: `https://<host>:<port>/` on loopback."""

    def __init__(
        self,
        google: GoogleStandIn,
        *,
        host: str,
        server_port: int,
        audience: str,
        client_audience: str,
        members: Iterable[str],
    ) -> None:
        self.host = host
        self.iap = IapService(
            google, audience=audience, client_audience=client_audience, members=members
        )
        self.iap.start()
        self.nginx = Nginx(host=host, server_port=server_port, iap_port=self.iap.port)
        self.nginx.start()

    @property
    def port(self) -> int:
        return self.nginx.port

    @property
    def url(self) -> str:
        """The URL a user opens (the port is the stand-in's, the name the ingress host's)."""
        return f"https://{self.host}:{self.port}"

    @property
    def ca_file(self) -> Path:
        return self.nginx.ca

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))

    def cleanup(self) -> None:
        try:
            self.nginx.cleanup()
        finally:
            self.iap.stop()
