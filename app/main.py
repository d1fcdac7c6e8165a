"""App factory: page, static files, models manifest; cross-origin isolated."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from app.manifest import build_manifest

ROOT = Path(__file__).resolve().parent.parent
STATIC_DIR = ROOT / "static"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

# Cross-origin isolation: SharedArrayBuffer rings and threaded WASM need it.
ISOLATION_HEADERS = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def create_app(static_dir: Path = STATIC_DIR) -> FastAPI:
    """Builds the app. `static_dir` holds js/, build/, css/ and models/."""
    static_dir = Path(static_dir)
    app = FastAPI(title="Swara", docs_url=None, redoc_url=None, openapi_url=None)
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    bundle_ready = (static_dir / "build" / "app.js").is_file()

    @app.middleware("http")
    async def isolate(request: Request, call_next):
        response = await call_next(request)
        response.headers.update(ISOLATION_HEADERS)
        return response

    @app.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
    async def page(request: Request):
        return templates.TemplateResponse(
            request, "index.html", {"bundle_ready": bundle_ready or (static_dir / "build" / "app.js").is_file()}
        )

    @app.api_route("/models/manifest.json", methods=["GET", "HEAD"])
    async def manifest():
        return JSONResponse(build_manifest(static_dir / "models"), headers={"Cache-Control": "no-cache"})

    @app.api_route("/sw.js", methods=["GET", "HEAD"])
    async def service_worker():
        # Served from the root so its scope is the whole app (offline: static/js/service-worker.js).
        sw = static_dir / "build" / "sw.js"
        if not sw.is_file():
            return PlainTextResponse("service worker not built: run `make bundle`\n", status_code=404)
        return FileResponse(sw, media_type="text/javascript", headers={"Cache-Control": "no-cache"})

    app.mount("/static", StaticFiles(directory=str(static_dir)), name="static")
    return app
