"""TLS for this machine, so a phone on the same Wi-Fi can open the page.

Phone browsers open the microphone only in a secure context (HTTPS or localhost). A local
certificate authority, made once and limited by name constraints to private addresses and
localhost, issues the server certificate for the machine's LAN addresses. The phone can accept
the server certificate at a warning (enough to sing), or trust the authority once (needed for
offline use: browsers register no service worker behind a certificate warning). Everything lives
in the user's data folder, never the repository; the server certificate is made again when the
LAN address changes or it nears expiry.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CERT_VALID_DAYS = 397  # the longest validity Safari accepts for a server certificate
CA_VALID_DAYS = 3650  # the phone trusts the authority once; its server certificates come and go
RENEW_BEFORE_DAYS = 30  # make a new one when the old one has less than this left
CERT_FILE, KEY_FILE = "swara-cert.pem", "swara-key.pem"
CA_CERT_FILE, CA_KEY_FILE = "swara-ca-cert.pem", "swara-ca-key.pem"
# The local authority may only vouch for these (X.509 name constraints), so even a stolen key
# cannot impersonate any public site: private, loopback, link-local and carrier-grade NAT
# ranges, and `localhost`. A LAN address outside them is added as a single address.
PERMITTED_NETWORKS = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16", "100.64.0.0/10")
PERMITTED_DNS = ("localhost",)


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
    cert_path: Path  # the server certificate followed by the authority's (the chain served)
    key_path: Path
    ca_path: Path  # the local authority's certificate: what a phone installs to trust the server
    hosts: tuple[str, ...]  # the names and addresses the server certificate is valid for
    sha256: str  # the server certificate's fingerprint, colon-separated hex, to check on the phone
    ca_sha256: str
    created: bool  # the server certificate was made by this call (False: reused)


def _fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex(":").upper()


def _san_hosts(cert: x509.Certificate) -> set[str]:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return set()
    return {str(v) for v in san.get_values_for_type(x509.IPAddress)} | set(san.get_values_for_type(x509.DNSName))


def _general_name(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def _permits(ca: x509.Certificate, host: str) -> bool:
    """Whether the authority's name constraints allow `host`."""
    nc = ca.extensions.get_extension_for_class(x509.NameConstraints).value
    try:
        ip = ipaddress.ip_address(host)
        return any(ip in n.value for n in nc.permitted_subtrees if isinstance(n, x509.IPAddress))
    except ValueError:
        return any(host == n.value for n in nc.permitted_subtrees if isinstance(n, x509.DNSName))


def _write_key(path: Path, key) -> None:
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(path, 0o600)  # an older key file may have had wider rights


def _load(cert_path: Path, key_path: Path):
    """(certificate, key) from PEM files, or None when absent or damaged."""
    if not (cert_path.is_file() and key_path.is_file()):
        return None
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())  # the first one in the file
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except ValueError:
        return None  # damaged: make a new one rather than fail
    return cert, key


def _ensure_ca(cert_dir: Path, hosts: list[str], now: dt.datetime):
    """The local authority (certificate, key): kept while it permits every host, else made anew."""
    paths = cert_dir / CA_CERT_FILE, cert_dir / CA_KEY_FILE
    loaded = _load(*paths)
    if loaded is not None:
        ca, key = loaded
        try:
            fresh = ca.not_valid_after_utc - now > dt.timedelta(days=CERT_VALID_DAYS)
            if fresh and all(_permits(ca, h) for h in hosts):
                return ca, key
        except x509.ExtensionNotFound:
            pass
    networks = [ipaddress.ip_network(n) for n in PERMITTED_NETWORKS]
    for h in hosts:
        try:
            ip = ipaddress.ip_address(h)
        except ValueError:
            continue
        if not any(ip in n for n in networks):
            networks.append(ipaddress.ip_network(f"{ip}/{ip.max_prefixlen}"))
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Swara"),
        x509.NameAttribute(NameOID.COMMON_NAME, f"Swara local authority ({socket.gethostname()[:40]})"),
    ])
    dns = [h for h in hosts if not _is_ip(h)]
    ca = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=CA_VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.NameConstraints(
            permitted_subtrees=[x509.IPAddress(n) for n in networks]
            + [x509.DNSName(d) for d in dict.fromkeys([*PERMITTED_DNS, *dns])],
            excluded_subtrees=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_dir.mkdir(parents=True, exist_ok=True)
    _write_key(paths[1], key)
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    return ca, key


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


def ensure_certificate(hosts: list[str], cert_dir: Path | None = None) -> Certificate:
    """A server certificate for `hosts` (IP addresses and DNS names), issued by this machine's
    local authority; both are made when missing, damaged, near expiry, or (the server's) when
    a host is new. Keys are ECDSA P-256, written with mode 0600. `cert_dir` defaults to
    `default_cert_dir()`.
    """
    if not hosts:
        raise ValueError("ensure_certificate: no host names or addresses to put in the certificate")
    cert_dir = Path(cert_dir) if cert_dir is not None else default_cert_dir()
    cert_path, key_path, ca_path = cert_dir / CERT_FILE, cert_dir / KEY_FILE, cert_dir / CA_CERT_FILE
    now = dt.datetime.now(dt.UTC)
    hosts = list(dict.fromkeys(hosts))
    ca, ca_key = _ensure_ca(cert_dir, hosts, now)
    loaded = _load(cert_path, key_path)
    if loaded is not None:
        cert, _ = loaded
        try:
            cert.verify_directly_issued_by(ca)
            issued = True
        except (ValueError, TypeError, InvalidSignature):
            issued = False
        fresh = cert.not_valid_after_utc - now >= dt.timedelta(days=RENEW_BEFORE_DAYS)
        if issued and fresh and set(hosts) <= _san_hosts(cert):
            return Certificate(cert_path, key_path, ca_path, tuple(sorted(_san_hosts(cert))), _fingerprint(cert),
                               _fingerprint(ca), False)

    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))  # a phone's clock a little behind still accepts it
        .not_valid_after(now + dt.timedelta(days=CERT_VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName([_general_name(h) for h in hosts]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write_key(key_path, key)
    # The chain the server sends: its certificate, then the authority's.
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM))
    return Certificate(cert_path, key_path, ca_path, tuple(sorted(_san_hosts(cert))), _fingerprint(cert),
                       _fingerprint(ca), True)


def terminal_qr(text: str) -> str:
    """A QR code of `text` drawn with block characters for a terminal (dark on light)."""
    import io

    import segno

    buf = io.StringIO()
    segno.make(text, error="m").terminal(out=buf, compact=True, border=2)
    return buf.getvalue()
