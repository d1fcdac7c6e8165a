"""App factory: page, static files, models manifest; cross-origin isolated, GET/HEAD only."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from app.manifest import build_manifest
from app.security import ISOLATION_HEADERS, Guard  # noqa: F401  (ISOLATION_HEADERS: re-exported for tests)

ROOT = Path(__file__).resolve().parent.parent
STATIC_DIR = ROOT / "static"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


class Static(StaticFiles):
    """StaticFiles (no directory listing, no symlinks out of the folder) whose 404s say what is missing."""

    async def get_response(self, path: str, scope):
        try:
            return await super().get_response(path, scope)
        except HTTPException as err:
            if err.status_code != 404:
                raise
            return PlainTextResponse(self.not_found(path), status_code=404)

    def not_found(self, path: str) -> str:
        parts = Path(path).parts
        if len(parts) >= 2 and parts[0] == "models":
            models = Path(self.directory) / "models"
            known = sorted(p.parent.name for p in models.glob("*/metadata.json"))
            if not (models / parts[1]).is_dir():
                return (f"unknown model {parts[1]!r}: the models are {', '.join(known) or 'none'} "
                        "(see /models/manifest.json)\n")
            return f"model {parts[1]!r} has no file {'/'.join(parts[2:])!r}\n"
        return f"not found: /static/{path}\n"


class GuardedApp(FastAPI):
    """FastAPI with the Guard outermost, so even Starlette's own 500 answers carry its headers."""

    def build_middleware_stack(self):
        return Guard(super().build_middleware_stack())


def create_app(static_dir: Path = STATIC_DIR) -> FastAPI:
    """Builds the app (wrapped in the Guard). `static_dir` holds js/, build/, css/ and models/."""
    static_dir = Path(static_dir)
    app = GuardedApp(title="Swara", docs_url=None, redoc_url=None, openapi_url=None)
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))

    @app.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
    async def page(request: Request):
        return templates.TemplateResponse(
            request, "index.html", {"bundle_ready": (static_dir / "build" / "app.js").is_file()}
        )

    @app.api_route("/models/manifest.json", methods=["GET", "HEAD"])
    async def manifest():
        return JSONResponse(build_manifest(static_dir / "models"))

    @app.api_route("/sw.js", methods=["GET", "HEAD"])
    async def service_worker():
        # Served from the root so its scope is the whole app (offline: static/js/service-worker.js).
        sw = static_dir / "build" / "sw.js"
        if not sw.is_file():
            return PlainTextResponse("service worker not built: run `make bundle`\n", status_code=404)
        return FileResponse(sw, media_type="text/javascript", headers={"Cache-Control": "no-cache"})

    app.mount("/static", Static(directory=str(static_dir)), name="static")
    return app
