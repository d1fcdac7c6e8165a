"""`python -m app --https`: the self-signed certificate and the HTTPS server (loopback only)."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography import x509

from app.tls import CERT_VALID_DAYS, ensure_certificate, terminal_qr
from tests.serving import free_port

ROOT = Path(__file__).resolve().parent.parent


def san_of(path: Path) -> set[str]:
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(v) for v in san.get_values_for_type(x509.IPAddress)} | set(san.get_values_for_type(x509.DNSName))


def test_certificate_names_every_host_and_keeps_the_key_private(tmp_path):
    cert = ensure_certificate(["192.168.1.23", "localhost", "127.0.0.1"], tmp_path)
    assert cert.created
    assert san_of(cert.cert_path) == {"192.168.1.23", "localhost", "127.0.0.1"}
    assert cert.key_path.stat().st_mode & 0o077 == 0, "the private key must be readable by its owner only"
    parsed = x509.load_pem_x509_certificate(cert.cert_path.read_bytes())
    days = (parsed.not_valid_after_utc - parsed.not_valid_before_utc) / dt.timedelta(days=1)
    assert abs(days - CERT_VALID_DAYS) < 0.01


def test_certificate_is_reused_until_the_lan_address_changes(tmp_path):
    first = ensure_certificate(["192.168.1.23", "localhost"], tmp_path)
    again = ensure_certificate(["localhost", "192.168.1.23"], tmp_path)
    assert not again.created and again.sha256 == first.sha256
    moved = ensure_certificate(["10.0.0.7", "localhost"], tmp_path)  # the laptop joined another Wi-Fi
    assert moved.created and moved.sha256 != first.sha256
    assert "10.0.0.7" in san_of(moved.cert_path)


def test_a_damaged_certificate_is_replaced_not_fatal(tmp_path):
    first = ensure_certificate(["localhost"], tmp_path)
    first.cert_path.write_text("not a certificate")
    again = ensure_certificate(["localhost"], tmp_path)
    assert again.created and "localhost" in san_of(again.cert_path)


def test_no_hosts_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="no host"):
        ensure_certificate([], tmp_path)


def test_terminal_qr_is_a_block_drawing():
    qr = terminal_qr("https://192.168.1.23:8443/")
    lines = qr.rstrip("\n").split("\n")
    assert len(lines) >= 15 and len({len(line) for line in lines}) == 1, "a square drawing of equal-width lines"
    assert any(ch in qr for ch in "█▀▄"), "drawn with half-block characters"


def test_https_server_answers_over_tls_with_the_certificate_it_made(tmp_path):
    """`python -m app --https` on loopback: the TLS handshake verifies against the certificate it
    wrote (hostname checked), the page is served, and the printed URL and fingerprint match."""
    port = free_port()
    cert_dir = tmp_path / "tls"
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "--https", "--host", "127.0.0.1", "--port", str(port), "--cert-dir", str(cert_dir)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        banner = []
        deadline = time.time() + 60
        while time.time() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            banner.append(line)
            if "Uvicorn running" in line:
                break
        text = "".join(banner)
        assert f"https://127.0.0.1:{port}/" in text, text
        fingerprint = re.search(r"SHA-256 fingerprint: ([0-9A-F:]+)", text).group(1)

        ctx = ssl.create_default_context(cafile=str(cert_dir / "swara-cert.pem"))
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                der = tls.getpeercert(binary_form=True)
                tls.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
                response = b""
                while chunk := tls.recv(65536):
                    response += chunk
        assert hashlib.sha256(der).digest().hex(":").upper() == fingerprint
        assert response.startswith(b"HTTP/1.1 200"), response[:200]
        assert b"<title>Swara" in response
    finally:
        proc.terminate()
        proc.wait(timeout=10)
