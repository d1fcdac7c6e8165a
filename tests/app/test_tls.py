"""`python -m app --https`: the self-signed certificate and the HTTPS server (loopback only)."""
from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
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
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import DNSName, IPAddress
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from app.tls import CERT_VALID_DAYS, ensure_certificate, terminal_qr
from tests.conftest import ROOT
from tests.serving import free_port


def san_of(path: Path) -> set[str]:
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(v) for v in san.get_values_for_type(x509.IPAddress)} | set(san.get_values_for_type(x509.DNSName))


def load(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def verifier(ca_path: Path, host):
    return PolicyBuilder().store(Store([load(ca_path)])).build_server_verifier(host)


def test_certificate_names_every_host_chains_to_the_local_authority_and_keeps_keys_private(tmp_path):
    cert = ensure_certificate(["192.168.1.23", "localhost", "127.0.0.1"], tmp_path)
    assert cert.created
    assert san_of(cert.cert_path) == {"192.168.1.23", "localhost", "127.0.0.1"}
    for host in (IPAddress(ipaddress.ip_address("192.168.1.23")), DNSName("localhost")):
        verifier(cert.ca_path, host).verify(load(cert.cert_path), [])  # raises if the chain is not valid
    for key in tmp_path.glob("*key*.pem"):
        assert key.stat().st_mode & 0o077 == 0, f"{key.name} must be readable by its owner only"
    parsed = load(cert.cert_path)
    days = (parsed.not_valid_after_utc - parsed.not_valid_before_utc) / dt.timedelta(days=1)
    assert abs(days - CERT_VALID_DAYS) < 0.01


def test_certificate_is_reused_until_the_lan_address_changes_and_the_authority_stays(tmp_path):
    first = ensure_certificate(["192.168.1.23", "localhost"], tmp_path)
    again = ensure_certificate(["localhost", "192.168.1.23"], tmp_path)
    assert not again.created and again.sha256 == first.sha256
    moved = ensure_certificate(["10.0.0.7", "localhost"], tmp_path)  # the laptop joined another Wi-Fi
    assert moved.created and moved.sha256 != first.sha256
    assert "10.0.0.7" in san_of(moved.cert_path)
    assert moved.ca_sha256 == first.ca_sha256, "a phone that trusted the authority keeps trusting the new certificate"


def test_the_authority_can_vouch_for_private_addresses_only(tmp_path):
    """A stolen authority key still cannot impersonate a public site: its name constraints allow
    private and loopback addresses and localhost (plus a public LAN address it was made for)."""
    cert = ensure_certificate(["192.168.1.23", "localhost"], tmp_path)
    ca_key = serialization.load_pem_private_key((tmp_path / "swara-ca-key.pem").read_bytes(), password=None)
    ca = load(cert.ca_path)
    now = datetime_now()
    for host, name in ((DNSName("example.com"), x509.DNSName("example.com")),
                       (IPAddress(ipaddress.ip_address("8.8.8.8")), x509.IPAddress(ipaddress.ip_address("8.8.8.8")))):
        key = ec.generate_private_key(ec.SECP256R1())
        forged = (x509.CertificateBuilder().subject_name(x509.Name([])).issuer_name(ca.subject)
                  .public_key(key.public_key()).serial_number(1)
                  .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
                  .add_extension(x509.SubjectAlternativeName([name]), critical=True)
                  .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
                  .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.public_key()), critical=False)
                  .sign(ca_key, hashes.SHA256()))
        with pytest.raises(VerificationError):
            verifier(cert.ca_path, host).verify(forged, [])
    public = ensure_certificate(["192.0.2.2", "localhost"], tmp_path / "public-lan")
    verifier(public.ca_path, IPAddress(ipaddress.ip_address("192.0.2.2"))).verify(load(public.cert_path), [])


def datetime_now():
    return dt.datetime.now(dt.UTC)


def test_a_damaged_certificate_is_replaced_not_fatal(tmp_path):
    first = ensure_certificate(["localhost"], tmp_path)
    first.cert_path.write_text("not a certificate")
    again = ensure_certificate(["localhost"], tmp_path)
    assert again.created and "localhost" in san_of(again.cert_path)


def test_no_hosts_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="no host"):
        ensure_certificate([], tmp_path)


# A terminal cell's two modules (top, bottom): a glyph's ink is the terminal's light text.
HALF_BLOCKS = {"█": (255, 255), "▀": (255, 0), "▄": (0, 255), " ": (0, 0)}


def test_terminal_qr_decodes_to_the_url_it_was_given():
    import numpy as np
    import zxingcpp

    url = "https://192.168.1.23:8443/"
    modules = []
    for line in terminal_qr(url).rstrip("\n").split("\n"):
        cells = [HALF_BLOCKS[ch] for ch in line]
        modules += [[top for top, _ in cells], [bottom for _, bottom in cells]]
    image = np.kron(np.array(modules, dtype=np.uint8), np.ones((8, 8), dtype=np.uint8))  # 8 px a module
    found = zxingcpp.read_barcodes(image, try_invert=False)
    assert [(r.format, r.text) for r in found] == [(zxingcpp.BarcodeFormat.QRCode, url)]


def test_https_server_answers_over_tls_with_the_certificate_it_made(tmp_path):
    """`python -m app --https` on loopback: the TLS handshake verifies against the local authority
    it made (hostname checked), the page is served, the printed URL and fingerprint match, and the
    authority's certificate is offered for download."""
    port = free_port()
    cert_dir = tmp_path / "tls"
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "--https", "--host", "127.0.0.1", "--port", str(port),
         "--cert-dir", str(cert_dir)],
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
        fingerprint = re.search(r"  SHA-256 ([0-9A-F:]+)", text).group(1)
        assert f"https://127.0.0.1:{port}/swara-ca.crt" in text

        ctx = ssl.create_default_context(cafile=str(cert_dir / "swara-ca-cert.pem"))

        def get(path: str) -> tuple[bytes, bytes]:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
                with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                    der = tls.getpeercert(binary_form=True)
                    tls.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
                    response = b""
                    while chunk := tls.recv(65536):
                        response += chunk
            return der, response

        der, response = get("/")
        assert hashlib.sha256(der).digest().hex(":").upper() == fingerprint
        assert response.startswith(b"HTTP/1.1 200"), response[:200]
        assert b"<title>Swara" in response
        _, ca = get("/swara-ca.crt")
        assert ca.startswith(b"HTTP/1.1 200") and b"content-type: application/x-x509-ca-cert" in ca.lower()
        assert ca.split(b"\r\n\r\n", 1)[1] == (cert_dir / "swara-ca-cert.pem").read_bytes()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
