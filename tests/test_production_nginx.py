"""deploy/nginx/springboard.conf, checked by Debian's nginx and then run in front of a stand-in
app: TLS, the redirect to HTTPS, each security header once (the app's CSP kept), the headers the
app relies on, a down app process skipped, and nginx's own error pages with the headers too."""

from __future__ import annotations

import http.client
import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.test_security_headers import ROOT

CONF = ROOT / "deploy" / "nginx" / "springboard.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
OPENSSL = shutil.which("openssl")

pytestmark = pytest.mark.skipif(
    not Path(NGINX).exists() or OPENSSL is None,
    reason="needs Debian's nginx and openssl (apt-get install nginx openssl)",
)

APP_CSP = "default-src 'self'; script-src 'self' 'nonce-abc123'"


class _App(BaseHTTPRequestHandler):
    """Answers like the app: its own security headers, and what it was told by the proxy."""

    def do_GET(self) -> None:
        body = json.dumps(
            {
                "host": self.headers["Host"],
                "proto": self.headers["X-Forwarded-Proto"],
                "forwarded_for": self.headers["X-Forwarded-For"],
                "request_id": self.headers["X-Request-ID"],
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Strict-Transport-Security", "max-age=31536000")
        self.send_header("Content-Security-Policy", APP_CSP)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _render(tmp_path: Path, *, http: int, https: int, app: int, down: int) -> Path:
    """The shipped file with this machine's ports and a self-signed certificate."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            *(OPENSSL or "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=springboard.example.org", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    text = CONF.read_text()
    replacements = {
        "server 127.0.0.1:8000 ": f"server 127.0.0.1:{down} ",
        "server 127.0.0.1:8001 ": f"server 127.0.0.1:{app} ",
        "listen 80;": f"listen 127.0.0.1:{http};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https} ssl http2;",
        "/etc/letsencrypt/live/springboard.example.org/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/springboard.example.org/privkey.pem": str(key),
        "/var/www/letsencrypt": str(tmp_path),
    }
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    # No IPv6 in every sandbox: the IPv6 twins of the listens are left out.
    text = "\n".join(line for line in text.splitlines() if "listen [::]" not in line)
    site = tmp_path / "springboard.conf"
    site.write_text(text)
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"""
user root;
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp_path}/access.log;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    include {site};
}}
"""
    )
    return main


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[tuple[int, int]]:
    app = ThreadingHTTPServer(("127.0.0.1", 0), _App)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    http_port, https_port = _free_port(), _free_port()
    main = _render(
        tmp_path, http=http_port, https=https_port, app=app.server_port, down=_free_port()
    )
    check = subprocess.run(  # noqa: S603 - fixed arguments
        [NGINX, "-t", "-c", str(main), "-p", str(tmp_path)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    assert "syntax is ok" in check.stderr
    nginx = subprocess.Popen(  # noqa: S603 - fixed arguments
        [NGINX, "-c", str(main), "-p", str(tmp_path), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                assert nginx.poll() is None, nginx.stderr.read() if nginx.stderr else ""
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
        yield http_port, https_port
    finally:
        nginx.terminate()
        nginx.wait(timeout=20)
        app.shutdown()
        app.server_close()


def _https(
    port: int, method: str = "GET", path: str = "/", headers: dict[str, str] | None = None
) -> http.client.HTTPResponse:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=20)
    connection.request(method, path, headers={"Host": "springboard.example.org", **(headers or {})})
    return connection.getresponse()


def _assert_security_headers_once(response: http.client.HTTPResponse) -> None:
    for name, value in {
        "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }.items():
        assert response.headers.get_all(name) == [value], name
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "nginx/" not in response.headers.get("Server", "")


def test_plain_http_is_sent_to_https(proxy: tuple[int, int]) -> None:
    http_port, _ = proxy
    connection = http.client.HTTPConnection("127.0.0.1", http_port, timeout=20)
    connection.request("GET", "/a/acme/?x=1", headers={"Host": "springboard.example.org"})
    response = connection.getresponse()
    assert response.status == 301
    assert response.headers["Location"] == "https://springboard.example.org/a/acme/?x=1"


def test_pages_pass_through_with_the_headers_once(proxy: tuple[int, int]) -> None:
    _, https_port = proxy
    # The first app process is down: the request goes to the second, the visitor sees 200.
    response = _https(https_port, path="/accounts/login/")
    assert response.status == 200
    _assert_security_headers_once(response)
    assert response.headers.get_all("Content-Security-Policy") == [APP_CSP]
    seen = json.loads(response.read())
    assert seen["host"] == "springboard.example.org"
    assert seen["proto"] == "https"
    assert seen["forwarded_for"] == "127.0.0.1"
    assert len(seen["request_id"]) == 32


def test_nginx_error_pages_carry_the_headers(proxy: tuple[int, int]) -> None:
    _, https_port = proxy
    # nginx refuses on the announced size, before any of the body is sent.
    too_large = str(9 * 1024 * 1024)
    response = _https(https_port, "POST", "/upload", headers={"Content-Length": too_large})
    assert response.status == 413
    _assert_security_headers_once(response)
