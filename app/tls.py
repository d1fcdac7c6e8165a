"""A self-signed TLS certificate for this machine, so a phone on the same Wi-Fi can open the page.

Phone browsers open the microphone only in a secure context (HTTPS or localhost). The
certificate names the machine's LAN addresses and localhost, lives in the user's data folder
(never the repository) and is made again when the LAN address changes or it nears expiry.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CERT_VALID_DAYS = 397  # the longest validity Safari accepts for a server certificate
RENEW_BEFORE_DAYS = 30  # make a new one when the old one has less than this left
CERT_FILE, KEY_FILE = "swara-cert.pem", "swara-key.pem"


def default_cert_dir() -> Path:
    """`$SWARA_DATA_DIR/tls`, else the platform's user data folder (e.g. ~/.local/share/swara/tls)."""
    base = os.environ.get("SWARA_DATA_DIR")
    if base:
        return Path(base) / "tls"
    from platformdirs import user_data_dir

    return Path(user_data_dir("swara", appauthor=False)) / "tls"


def lan_addresses() -> list[str]:
    """This machine's non-loopback IPv4 addresses, the default route's first.

    The default route's address comes from connecting a UDP socket, which only asks the kernel
    for a route: no packet is sent.
    """
    found: list[str] = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.254.254.254", 9))
            found.append(s.getsockname()[0])
        except OSError:
            pass  # no route: no network, only loopback
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        infos = []
    found += [info[4][0] for info in infos]
    out = []
    for a in found:
        ip = ipaddress.ip_address(a)
        if not ip.is_loopback and not ip.is_unspecified and not ip.is_link_local and a not in out:
            out.append(a)
    return out


@dataclass(frozen=True)
class Certificate:
    cert_path: Path
    key_path: Path
    hosts: tuple[str, ...]  # the names and addresses it is valid for
    sha256: str  # fingerprint, colon-separated hex, for checking on the phone
    created: bool  # made by this call (False: an existing one was reused)


def _fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex(":").upper()


def _san_hosts(cert: x509.Certificate) -> set[str]:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return set()
    return {str(v) for v in san.get_values_for_type(x509.IPAddress)} | set(san.get_values_for_type(x509.DNSName))


def _reusable(cert_path: Path, key_path: Path, hosts: list[str], now: dt.datetime) -> x509.Certificate | None:
    """The existing certificate if it covers every host and is not near expiry, else None."""
    if not (cert_path.is_file() and key_path.is_file()):
        return None
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except ValueError:
        return None  # damaged: make a new one rather than fail
    if cert.not_valid_after_utc - now < dt.timedelta(days=RENEW_BEFORE_DAYS):
        return None
    return cert if set(hosts) <= _san_hosts(cert) else None


def ensure_certificate(hosts: list[str], cert_dir: Path | None = None) -> Certificate:
    """Returns a certificate valid for `hosts` (IP addresses and DNS names), making one if needed.

    The key is an ECDSA P-256 key written with mode 0600. `cert_dir` defaults to
    `default_cert_dir()`.
    """
    if not hosts:
        raise ValueError("ensure_certificate: no host names or addresses to put in the certificate")
    cert_dir = Path(cert_dir) if cert_dir is not None else default_cert_dir()
    cert_path, key_path = cert_dir / CERT_FILE, cert_dir / KEY_FILE
    now = dt.datetime.now(dt.timezone.utc)
    hosts = list(dict.fromkeys(hosts))
    existing = _reusable(cert_path, key_path, hosts, now)
    if existing is not None:
        return Certificate(cert_path, key_path, tuple(sorted(_san_hosts(existing))), _fingerprint(existing), False)

    sans: list[x509.GeneralName] = []
    for h in hosts:
        try:
            sans.append(x509.IPAddress(ipaddress.ip_address(h)))
        except ValueError:
            sans.append(x509.DNSName(h))
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Swara (self-signed, this machine only)"),
        x509.NameAttribute(NameOID.COMMON_NAME, hosts[0]),
    ])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))  # a phone's clock a little behind still accepts it
        .not_valid_after(now + dt.timedelta(days=CERT_VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_dir.mkdir(parents=True, exist_ok=True)
    key_bytes = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key_bytes)
    os.chmod(key_path, 0o600)  # an older key file may have had wider rights
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return Certificate(cert_path, key_path, tuple(sorted(_san_hosts(cert))), _fingerprint(cert), True)


def terminal_qr(text: str) -> str:
    """A QR code of `text` drawn with block characters for a terminal (dark on light)."""
    import io

    import segno

    buf = io.StringIO()
    segno.make(text, error="m").terminal(out=buf, compact=True, border=2)
    return buf.getvalue()
