"""What the browser tests share: Chromium settings, a watch for page errors, sign-in and screenshots."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Locator, Page, Response, expect

from tests.conftest import ROOT_PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
TIMEOUT_MS = 10_000
# Signed out, the shell asks who is signed in and is told 401; that is how it learns.
SIGNED_OUT_PROBE = r"^401 GET \S+/api/user/self$"

expect.set_options(timeout=TIMEOUT_MS)

# Counts the page's fetch() calls in flight, so settle() knows when the API answers are in.
_COUNT_FETCHES = """
(() => {
  const original = window.fetch;
  window.__fetching = 0;
  window.fetch = (...args) => {
    window.__fetching += 1;
    return original(...args).finally(() => { window.__fetching -= 1; });
  };
})();
"""
# Quiet for three animation frames in a row: no request in flight, no spinner, no skeleton.
_QUIET = """
() => {
  const quiet = window.__fetching === 0 && document.querySelector("main")
    && !document.querySelector(".ant-spin-spinning, .ant-skeleton-active");
  window.__quietFrames = quiet ? (window.__quietFrames || 0) + 1 : 0;
  return window.__quietFrames >= 3;
}
"""


@dataclass
class Watch:
    """What went wrong on a page: uncaught exceptions, console errors and failed responses."""

    exceptions: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)
    allowed: list[re.Pattern] = field(default_factory=list)

    def attach(self, page: Page) -> "Watch":
        page.on("pageerror", lambda error: self.exceptions.append(f"uncaught: {error}"))
        page.on("console", self._on_console)
        page.on("response", self._on_response)
        return self

    def _on_console(self, message: ConsoleMessage) -> None:
        # "Failed to load resource" repeats a failed response, which _on_response reports with its URL.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console_errors.append(message.text)

    def _on_response(self, response: Response) -> None:
        if response.status >= 400:
            entry = f"{response.status} {response.request.method} {response.url}"
            if not any(pattern.search(entry) for pattern in self.allowed):
                self.failed_responses.append(entry)

    def allow(self, pattern: str) -> None:
        """Accept failed responses whose "STATUS METHOD URL" matches pattern."""
        self.allowed.append(re.compile(pattern))

    def forgive(self, pattern: str) -> None:
        """Drop the failed responses recorded so far that match pattern; later ones still count."""
        self.failed_responses[:] = [entry for entry in self.failed_responses if not re.search(pattern, entry)]

    def problems(self) -> list[str]:
        return self.exceptions + self.console_errors + self.failed_responses


_watches: dict[int, Watch] = {}


def watch_of(page: Page) -> Watch:
    """The watch on a page opened in a context from open_context."""
    return _watches[id(page)]


def open_context(browser: Browser, base_url: str, *, phone: bool = False,
                 storage_state: dict | None = None) -> BrowserContext:
    """A desktop (1280x800) or phone (390x844, touch) context in English; its pages are watched."""
    options = dict(viewport=PHONE, is_mobile=True, has_touch=True) if phone \
        else dict(viewport=DESKTOP)
    # Reduced motion: charts draw at once (Recharts honours it), so screenshots show them whole.
    context = browser.new_context(base_url=base_url, locale="en-US", storage_state=storage_state,
                                  reduced_motion="reduce", **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    context.add_init_script(_COUNT_FETCHES)
    context.on("page", lambda page: _watches.__setitem__(id(page), Watch().attach(page)))
    return context


def forget(page: Page) -> Watch | None:
    """Stop tracking a page that is done; its watch, if it had one."""
    return _watches.pop(id(page), None)


@contextmanager
def signed_in_context(browser: Browser, base_url: str, username: str = "root",
                      password: str = ROOT_PASSWORD) -> Iterator[BrowserContext]:
    """A desktop context in which the user signed in once through the form."""
    context = open_context(browser, base_url)
    page = context.new_page()
    login(page, username, password)
    forget(page)
    page.close()
    try:
        yield context
    finally:
        context.close()


@contextmanager
def page_in(context: BrowserContext) -> Iterator[Page]:
    """A new page in a shared context, closed afterwards; an uncaught exception in it fails the test."""
    page = context.new_page()
    yield page
    watch = forget(page)
    page.close()
    assert not watch.exceptions, f"uncaught exceptions in the page: {watch.exceptions}"


def main(page: Page) -> Locator:
    """The page's content area (<main>), without the shell's menu and header."""
    return page.get_by_role("main")


def nav_item(scope: Page | Locator, name: str) -> Locator:
    """A side-menu item by its text (its accessible name starts with the icon's label: "api Channels")."""
    return scope.get_by_role("menu").get_by_role("menuitem", name=re.compile(rf"(^|\s){re.escape(name)}$"))


def choose(scope: Locator, label: str, option: str) -> None:
    """Pick an option of an antd Select by typing its text, as a keyboard user does."""
    box = scope.get_by_label(label, exact=True)
    box.click()
    box.fill(option)
    box.press("Enter")
    select = box.locator("xpath=ancestor::div[contains(concat(' ', @class, ' '), ' ant-select ')][1]")
    expect(select).to_contain_text(option)


def settle(page: Page) -> None:
    """Wait until the page's code and API answers are in and no spinner or skeleton shows."""
    page.wait_for_load_state("load")
    expect(main(page)).to_be_visible()
    page.evaluate("window.__quietFrames = 0")
    page.wait_for_function(_QUIET, polling="raf")


def login(page: Page, username: str = "root", password: str = ROOT_PASSWORD) -> None:
    """Sign in through the login form and wait until the app has left /login."""
    page.goto("/login")
    form = main(page)
    form.get_by_label(re.compile(r"^user ?name", re.I)).fill(username)
    form.get_by_label(re.compile(r"^password", re.I)).fill(password)
    form.get_by_role("button", name=re.compile(r"^(sign in|log ?in)$", re.I)).click()
    expect(page).not_to_have_url(re.compile(r"/login"))
    settle(page)
    if id(page) in _watches:  # signed out until now, the shell was told 401 by /api/user/self
        _watches[id(page)].forgive(SIGNED_OUT_PROBE)


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """A PNG under test-output/screenshots/ (not in git) for a person to look at.

    Pass full_page=False while a modal is open: a full-page shot stretches the page past the
    viewport, which the modal's mask does not cover."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    settle(page)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    return path
