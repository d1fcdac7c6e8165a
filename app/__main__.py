"""`python -m app [--host 127.0.0.1] [--port 8000]`, or `python -m app --https` for a phone on the LAN."""
import argparse
import sys
from pathlib import Path

import uvicorn
from fastapi import Response

from app.main import create_app

HTTPS_PORT = 8443
CA_PATH = "/swara-ca.crt"  # where the phone downloads the local authority's certificate


def https_banner(url: str, cert, qr: str) -> str:
    """What `--https` prints: the URL, a QR code of it, how to get past or remove the warning."""
    return "\n".join([
        "",
        f"Swara on your phone (same Wi-Fi): {url}",
        qr.rstrip("\n"),
        "The phone warns once: this machine's own certificate authority signed the certificate. To sing,",
        "check that the browser shows this fingerprint, then Advanced → Proceed (Chrome) or Show Details →",
        "visit this website (Safari):",
        f"  SHA-256 {cert.sha256}",
        f"For offline use and Add to Home Screen, trust the authority instead: open {url.rstrip('/')}{CA_PATH}",
        "on the phone and install it (Android: Settings → Security → Encryption & credentials → Install a",
        "certificate → CA certificate; iPhone: Settings → Profile Downloaded → Install, then General → About →",
        "Certificate Trust Settings → turn on Swara). It can vouch only for private addresses, localhost",
        "and this machine's LAN address.",
        f"  authority SHA-256 {cert.ca_sha256}",
        f"Certificates: {cert.cert_path.parent}",
        "",
    ])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m app", description="Serve Swara.")
    parser.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1; with --https 0.0.0.0)")
    parser.add_argument("--port", type=int, default=None, help=f"port (default 8000; with --https {HTTPS_PORT})")
    parser.add_argument("--https", action="store_true",
                        help="serve HTTPS with a self-signed certificate for this machine's LAN addresses, "
                        "print URL and QR code")
    parser.add_argument("--cert-dir", type=Path, default=None,
                        help="where the certificate is kept (default: the user data folder, "
                        "e.g. ~/.local/share/swara/tls)")
    args = parser.parse_args(argv)
    if not args.https:
        uvicorn.run(create_app(), host=args.host or "127.0.0.1", port=args.port or 8000, log_level="info")
        return

    from app.tls import ensure_certificate, lan_addresses, terminal_qr

    host = args.host or "0.0.0.0"
    port = args.port or HTTPS_PORT
    lan = lan_addresses() if host in ("0.0.0.0", "::") else [host]
    if not lan and host in ("0.0.0.0", "::"):
        print("No LAN address found (is Wi-Fi connected?): serving for this machine only.", file=sys.stderr)
    hosts = [*lan, "localhost", "127.0.0.1"]
    cert = ensure_certificate(hosts, args.cert_dir)
    url = f"https://{(lan or ['localhost'])[0]}:{port}/"
    print(https_banner(url, cert, terminal_qr(url)), flush=True)
    app = create_app()
    ca_pem = cert.ca_path.read_bytes()

    @app.get(CA_PATH, include_in_schema=False)
    async def ca_certificate():
        # This MIME type makes Android offer to install it and iOS download it as a profile.
        return Response(ca_pem, media_type="application/x-x509-ca-cert",
                        headers={"Content-Disposition": 'attachment; filename="swara-ca.crt"'})

    uvicorn.run(app, host=host, port=port, log_level="info",
                ssl_certfile=str(cert.cert_path), ssl_keyfile=str(cert.key_path))


if __name__ == "__main__":
    main()
