"""Serves the built admin SPA from frontend/dist, with index.html as the fallback for client routes."""

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, redirect, request, send_from_directory
from werkzeug.exceptions import NotFound

bp = Blueprint("web", __name__)

DIST_DIR = Path(__file__).resolve().parent.parent / "frontend" / "dist"

# Vite puts content-hashed bundles under assets/, so a changed file always gets a new URL and a
# week of caching is safe (One API's value). Everything else must be revalidated.
ASSET_CACHE_CONTROL = "max-age=604800"
PAGE_CACHE_CONTROL = "no-cache"

# These prefixes belong to the api and relay blueprints. An unknown path under them must be a 404
# that those blueprints' error handlers render, for any method, as One API's NoRoute does.
RESERVED_PREFIXES = frozenset({"api", "v1"})
ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

NOT_BUILT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tollgate</title></head>
<body>
<h1>Tollgate is running, but its web UI is not built</h1>
<p>The API works: <a href="/api/status">/api/status</a>, OpenAI-compatible routes under <code>/v1</code>.</p>
<p>To build the UI, run <code>cd frontend &amp;&amp; npm ci &amp;&amp; npm run build</code>
(Node 20.19+), then reload this page.</p>
</body></html>
"""


@bp.get("/")
def index() -> Response:
    return _frontend_redirect() or _index_page()


@bp.route("/<path:path>", methods=ANY_METHOD)
def spa(path: str) -> Response:
    if path.split("/", 1)[0] in RESERVED_PREFIXES:
        abort(404)
    if request.method not in ("GET", "HEAD"):
        abort(405, valid_methods=["GET", "HEAD"])
    if moved := _frontend_redirect():
        return moved
    is_asset = path.startswith("assets/")
    try:
        # send_from_directory rejects "..", absolute paths and anything outside DIST_DIR.
        response = send_from_directory(DIST_DIR, path)
    except NotFound:
        if is_asset:
            raise
        return _index_page()
    response.headers["Cache-Control"] = ASSET_CACHE_CONTROL if is_asset else PAGE_CACHE_CONTROL
    return response


def _frontend_redirect() -> Response | None:
    """On a slave node with FRONTEND_BASE_URL set, pages live elsewhere (One API sends a 301)."""
    config = current_app.config.get("TOLLGATE")
    if config is None or config.is_master or not config.frontend_base_url:
        return None
    target = config.frontend_base_url.rstrip("/") + request.path
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    return redirect(target, code=301)


def _index_page() -> Response:
    if not (DIST_DIR / "index.html").is_file():
        return Response(NOT_BUILT_PAGE, mimetype="text/html", headers={"Cache-Control": PAGE_CACHE_CONTROL})
    response = send_from_directory(DIST_DIR, "index.html")
    response.headers["Cache-Control"] = PAGE_CACHE_CONTROL
    return response
