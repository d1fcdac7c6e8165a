"""The server's guard: GET/HEAD only, no request bodies, no odd paths, security and cache headers.

A pure ASGI middleware so it wraps every response, including Starlette's own 404/405 answers.
"""
from __future__ import annotations

# Cross-origin isolation: SharedArrayBuffer rings and threaded WASM need it.
ISOLATION_HEADERS = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "same-origin",
}

# Everything comes from this server. Why each non-'self' source is there:
# - 'wasm-unsafe-eval': compiling TF.js's WASM backend (it allows no JS eval);
# - blob: in script-src/worker-src: the threaded WASM backend (Emscripten pthreads) starts its
#   workers from a blob: URL holding the worker script, and those workers importScripts() a
#   blob: copy of the backend's JS; blob: URLs can only be minted by this origin's own scripts;
# - data: in img-src: the page's empty favicon (`<link rel="icon" href="data:,">`);
# - blob: in media-src: playing back a recording made in the page.
CSP_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self' 'wasm-unsafe-eval' blob:",
    "worker-src": "'self' blob:",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "media-src": "'self' blob:",
    "connect-src": "'self'",
    "font-src": "'self'",
    "manifest-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'none'",
    "frame-ancestors": "'none'",
}
CONTENT_SECURITY_POLICY = "; ".join(f"{k} {v}" for k, v in CSP_DIRECTIVES.items())

# The microphone for this origin only; the other powerful features for nobody.
PERMISSIONS_POLICY = "microphone=(self), camera=(), geolocation=(), display-capture=(), payment=(), usb=()"

SECURITY_HEADERS = {
    **ISOLATION_HEADERS,
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": PERMISSIONS_POLICY,
}

ALLOWED_METHODS = ("GET", "HEAD")
# esbuild names code-split chunks `chunks/[name]-[hash].js` (scripts/bundle.mjs): a new build
# gets a new name, so these may be cached for a year. Every other file keeps its name across
# builds and model rebuilds, so the browser revalidates it (ETag / Last-Modified → 304).
IMMUTABLE_PREFIXES = ("/static/build/chunks/",)
CACHE_IMMUTABLE = "public, max-age=31536000, immutable"
CACHE_REVALIDATE = "no-cache"


def path_fault(path: str) -> str | None:
    """Why a request path is refused, or None. `path` is the path as decoded once by the server.

    Refuses what no asset URL of ours contains and path tricks rely on: `.`/`..` segments (also when
    percent-encoded, since `path` is decoded), backslashes, NUL and control characters, a `%` left
    after decoding (double encoding) and empty segments.
    """
    if "\\" in path:
        return "backslash in path"
    if "%" in path:
        return "percent sign after decoding (double-encoded path)"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in path):
        return "control character in path"
    segments = path.split("/")[1:]
    if any(s in (".", "..") for s in segments):
        return "dot segment in path"
    if any(s == "" for s in segments[:-1]):
        return "empty segment in path"
    return None


class Guard:
    """ASGI middleware: refuses other methods (405), bodies (413) and odd paths (400); adds headers."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            # No WebSocket (or other) endpoint exists; refuse the handshake outright.
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        headers = dict(scope["headers"])
        if scope["method"] not in ALLOWED_METHODS:
            await self.refuse(send, 405, f"{scope['method']} is not allowed: this server only serves files "
                                         "(GET and HEAD); nothing is ever uploaded to it.\n",
                              {"Allow": ", ".join(ALLOWED_METHODS)})
            return
        if headers.get(b"transfer-encoding") or headers.get(b"content-length", b"0").strip() not in (b"0", b""):
            await self.refuse(send, 413, "request bodies are not accepted: this server only serves files.\n")
            return
        fault = path_fault(path)
        if fault:
            await self.refuse(send, 400, f"bad path: {fault}.\n")
            return
        cache = CACHE_IMMUTABLE if path.startswith(IMMUTABLE_PREFIXES) else CACHE_REVALIDATE

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                extra = dict(SECURITY_HEADERS)
                status = message["status"]
                extra["Cache-Control"] = cache if status in (200, 206, 304) else "no-store"
                hdrs = [(k, v) for k, v in message.get("headers", [])
                        if k.decode("latin-1").lower() not in {h.lower() for h in extra}]
                hdrs += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in extra.items()]
                message = {**message, "headers": hdrs}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    async def refuse(send, status: int, text: str, extra: dict | None = None):
        body = text.encode()
        hdrs = {**SECURITY_HEADERS, "Cache-Control": "no-store", "Content-Type": "text/plain; charset=utf-8",
                "Content-Length": str(len(body)), **(extra or {})}
        await send({"type": "http.response.start", "status": status,
                    "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in hdrs.items()]})
        await send({"type": "http.response.body", "body": body})
