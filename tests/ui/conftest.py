"""Browser fixtures: one headless Chromium per session, one live Tollgate serving the built UI per module.

The UI is frontend/dist as scripts/install.sh builds it. TOLLGATE_UI_DIST points the server at another
build instead (handy while pages change: `cd frontend && npx vite build --outDir /tmp/ui-dist`).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

import app.web
from app.extensions import db
from tests.conftest import LiveServer, build_app, dispose, set_options
from tests.ui.browser import CHROMIUM, CHROMIUM_ARGS, Watch, forget, open_context, page_in, signed_in_context


@pytest.fixture(scope="session")
def ui_dist() -> Path:
    override = os.environ.get("TOLLGATE_UI_DIST")
    dist = Path(override).resolve() if override else app.web.DIST_DIR
    if not (dist / "index.html").is_file():
        pytest.fail(f"The web UI is not built: {dist}/index.html is missing. Run scripts/install.sh --dev "
                    "(or `cd frontend && npm ci && npm run build`) before the browser tests.", pytrace=False)
    return dist


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing; scripts/install.sh --dev installs it (apt-get install chromium).",
                    pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@dataclass
class UiServer:
    """The real app on SQLite under a live WSGI server; root signs in with tests.conftest.ROOT_PASSWORD."""

    app: object
    url: str

    @contextmanager
    def session(self) -> Iterator[object]:
        """The database session, for checking what the UI did."""
        with self.app.app_context():
            yield db.session

    def set_options(self, **values: object) -> None:
        set_options(self.app, **values)


@pytest.fixture(scope="module")
def ui_server(ui_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiServer]:
    # Production limits pages and /api calls per IP per 3 minutes; a test clicks faster than a person.
    # The sign-in limit (20 per 20 minutes) stays: a module signs in a handful of times.
    application = build_app({"SQLITE_PATH": str(tmp_path_factory.mktemp("ui") / "tollgate.db")},
                            GLOBAL_API_RATE_LIMIT="0", GLOBAL_WEB_RATE_LIMIT="0")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(app.web, "DIST_DIR", ui_dist)
        with LiveServer(application) as server:
            yield UiServer(application, server.url)
    dispose(application)


@pytest.fixture
def new_context(browser: Browser, ui_server: UiServer) -> Iterator[Callable[..., BrowserContext]]:
    """Opens contexts (see browser.open_context); an uncaught exception on any of their pages fails the test."""
    opened: list[BrowserContext] = []
    pages: list[Page] = []

    def make(**options) -> BrowserContext:
        context = open_context(browser, ui_server.url, **options)
        context.on("page", lambda page: pages.append(page))
        opened.append(context)
        return context

    yield make
    exceptions = [problem for page in pages for problem in (forget(page) or Watch()).exceptions]
    for context in opened:
        context.close()
    assert not exceptions, f"uncaught exceptions in the page: {exceptions}"


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    """A fresh, signed-out desktop page (1280x800, en-US)."""
    return new_context().new_page()


@pytest.fixture(scope="module")
def root_context(browser: Browser, ui_server: UiServer) -> Iterator[BrowserContext]:
    """A desktop context where root signed in once through the form, shared by a module's tests."""
    with signed_in_context(browser, ui_server.url) as context:
        yield context


@pytest.fixture
def root_page(root_context: BrowserContext) -> Iterator[Page]:
    """A new page signed in as root (in the module's shared context: the UI's files come from its cache)."""
    with page_in(root_context) as page:
        yield page
