"""Every page of the web UI in a real browser: loads cleanly for its role, refuses the wrong role,
speaks Chinese on request, fits a phone, and renders the administrator's Markdown without running scripts."""

from __future__ import annotations

import re
import time
import uuid

import openai
import pytest
from playwright.sync_api import Page, expect

from app.models import Redemption, User
from app.models.user import ROLE_COMMON
from tests import factories
from tests.ui.browser import (SIGNED_OUT_PROBE, main, nav_item, page_in, screenshot, settle, signed_in_context,
                              watch_of)

# Route → the page's visible title (English).
PUBLIC_PAGES = {
    "/": None,  # the home page's content is the administrator's; checked below
    "/about": "About",
    "/login": "Log in",
    "/register": "Create account",
    "/reset": "Reset password",
}
MEMBER_PAGES = {
    "/dashboard": "Dashboard",
    "/token": "API keys",
    "/token/add": "Add API key",
    "/topup": "Top up",
    "/log": "Logs",
    "/setting": "Settings",
}
ADMIN_PAGES = {
    "/channel": "Channels",
    "/channel/add": "Add channel",
    "/user": "Users",
    "/user/add": "Add user",
    "/redemption": "Redemption codes",
    "/redemption/add": "Add redemption codes",
}
SETTINGS_TABS = ["Personal", "Operation", "System", "Other"]
PHONE_PUBLIC_PAGES = ("/", "/login")
PHONE_PAGES = ("/dashboard", "/channel", "/token", "/log", "/topup", "/setting")
COMMON_PASSWORD = "password123"  # tests.factories' password for every user it makes


def shot_name(path: str, suffix: str = "desktop") -> str:
    return (path.strip("/").replace("/", "-") or "home") + f"-{suffix}"


def title_of(page: Page, expected: str) -> None:
    """The page shows its title as a heading (Typography.Title), perhaps in a card's head."""
    expect(main(page).get_by_role("heading", name=expected, exact=True).first).to_be_visible()


def assert_clean(page: Page) -> None:
    problems = watch_of(page).problems()
    assert not problems, f"{page.url}: {problems}"


@pytest.fixture(scope="module", autouse=True)
def some_data(ui_server, mock_upstream_server) -> None:
    """A channel, a key, a few relayed calls and codes, so lists, charts and logs have rows to show."""
    with ui_server.session() as session:
        factories.make_channel(mock_upstream_server.url, name="mock-openai", models="gpt-4o-mini,gpt-4o")
        _, key = factories.make_token(session.get(User, 1), name="laptop")
        session.add_all(Redemption(user_id=1, key=uuid.uuid4().hex, name="spring promo", quota=1_000_000,
                                   created_time=int(time.time()), redeemed_time=0) for _ in range(2))
        session.commit()
    client = openai.OpenAI(base_url=f"{ui_server.url}/v1", api_key=key, max_retries=0)
    for model in ("gpt-4o-mini", "gpt-4o", "gpt-4o-mini"):
        client.chat.completions.create(model=model, messages=[{"role": "user", "content": "Say hello"}])


@pytest.fixture(scope="module")
def common_user(ui_server) -> str:
    with ui_server.session():
        return factories.make_user(role=ROLE_COMMON, username="alice", quota=1_000_000).username


@pytest.fixture(scope="module")
def common_context(browser, ui_server, common_user):
    with signed_in_context(browser, ui_server.url, common_user, COMMON_PASSWORD) as context:
        yield context


@pytest.fixture
def common_page(common_context):
    with page_in(common_context) as page:
        yield page


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_loads_signed_out(page, path):
    watch_of(page).allow(SIGNED_OUT_PROBE)
    page.goto(path)
    settle(page)
    if PUBLIC_PAGES[path]:
        title_of(page, PUBLIC_PAGES[path])
    expect(page).to_have_url(re.compile(re.escape(path) + r"$"))
    screenshot(page, shot_name(path))
    assert_clean(page)


@pytest.mark.parametrize("path", [*MEMBER_PAGES, *ADMIN_PAGES])
def test_signed_in_page_loads_for_root(root_page, path):
    page = root_page
    page.goto(path)
    settle(page)
    title_of(page, {**MEMBER_PAGES, **ADMIN_PAGES}[path])
    expect(main(page).get_by_text("You do not have access to this page.")).to_have_count(0)
    screenshot(page, shot_name(path))
    assert_clean(page)


def test_signed_out_visitor_is_sent_to_sign_in(page):
    watch_of(page).allow(SIGNED_OUT_PROBE)
    page.goto("/token")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Ftoken$"))
    assert_clean(page)


def test_settings_tabs_each_load(root_page):
    page = root_page
    page.goto("/setting")
    settle(page)
    tabs = main(page).get_by_role("tab")
    expect(tabs).to_have_text(SETTINGS_TABS)  # root sees all four
    for name in SETTINGS_TABS:
        main(page).get_by_role("tab", name=name, exact=True).click()
        expect(main(page).get_by_role("tab", name=name, exact=True)).to_have_attribute("aria-selected", "true")
        settle(page)
        screenshot(page, "setting-" + re.sub(r"\W+", "-", name.lower()).strip("-") + "-desktop")
    assert_clean(page)


MEMBER_MENU = {"/dashboard": "Dashboard", "/token": "API keys", "/topup": "Top up", "/log": "Logs",
               "/setting": "Settings"}


def test_member_pages_load_for_a_common_user(common_page):
    page = common_page
    page.goto("/")
    settle(page)
    for path, item in MEMBER_MENU.items():
        nav_item(page, item).click()
        expect(page).to_have_url(re.compile(re.escape(path) + "$"))
        settle(page)
        title_of(page, MEMBER_PAGES[path])
    page.goto("/token/add")
    settle(page)
    title_of(page, MEMBER_PAGES["/token/add"])
    assert_clean(page)


def test_admin_pages_are_refused_to_a_common_user(common_page):
    page = common_page
    for path in ADMIN_PAGES:
        page.goto(path)
        expect(main(page).get_by_text("You do not have access to this page.")).to_be_visible()
    expect(nav_item(page, "API keys")).to_be_visible()
    for admin_item in ("Channels", "Users", "Redemption codes"):
        expect(nav_item(page, admin_item)).to_have_count(0)
    assert_clean(page)


def test_language_switch_translates_the_menu(new_context, root_context):
    page = new_context(storage_state=root_context.storage_state()).new_page()
    page.goto("/dashboard")
    settle(page)
    expect(nav_item(page, "Channels")).to_be_visible()
    page.get_by_role("button", name="Language").hover()
    page.get_by_role("menuitem", name="中文").click()
    for chinese in ("首页", "数据看板", "渠道", "令牌", "兑换码", "充值", "用户", "日志", "设置", "关于"):
        expect(nav_item(page, chinese)).to_be_visible()
    expect(nav_item(page, "Channels")).to_have_count(0)
    expect(page.locator("html")).to_have_attribute("lang", "zh")
    expect(main(page).get_by_text("Dashboard", exact=True)).to_have_count(0)  # the page itself speaks Chinese
    page.reload()  # the choice is remembered
    settle(page)
    expect(nav_item(page, "渠道")).to_be_visible()
    screenshot(page, "dashboard-zh-desktop")
    assert_clean(page)


def test_phone_layout_has_a_menu_button_and_drawer(new_context, root_context):
    page = new_context(phone=True, storage_state=root_context.storage_state()).new_page()
    page.goto("/dashboard")
    settle(page)
    expect(page.locator(".ant-layout-sider")).to_have_count(0)
    page.get_by_role("button", name="menu").click()
    drawer = page.get_by_role("dialog")
    nav_item(drawer, "API keys").click()
    expect(page).to_have_url(re.compile(r"/token$"))
    expect(drawer).to_be_hidden()
    title_of(page, MEMBER_PAGES["/token"])
    for path in PHONE_PAGES:
        phone_check(page, path)
    assert_clean(page)


def test_phone_layout_signed_out(new_context):
    page = new_context(phone=True).new_page()
    watch_of(page).allow(SIGNED_OUT_PROBE)
    for path in PHONE_PUBLIC_PAGES:
        phone_check(page, path)
    assert_clean(page)


def phone_check(page: Page, path: str) -> None:
    """The page fits 390 px: nothing makes it scroll sideways."""
    page.mouse.move(0, 0)  # the last tap's position would hover (and open a tooltip on) the next page
    page.goto(path)
    settle(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{path} is {width}px wide on a 390px phone: it scrolls sideways"
    screenshot(page, shot_name(path, "phone"))


XSS = ('**Bold notice** <script>window.__xss = "script"</script>'
       '<img src="/x-missing.png" alt="probe" onerror="window.__xss = \'onerror\'">'
       '<a href="javascript:window.__xss=\'link\'">click me</a>')


def assert_rendered_safely(page: Page, area) -> None:
    """The Markdown became HTML, the <script>, the onerror handler and the javascript: link did not survive."""
    expect(area.locator("strong", has_text="Bold notice").first).to_be_visible()
    expect(area.locator("img[alt=probe]").first).to_be_attached()
    area.get_by_text("click me").first.click()
    page.wait_for_timeout(200)  # time for an onerror handler to run, had it survived
    assert page.evaluate("window.__xss") is None
    assert area.locator("script").count() == 0
    assert area.locator("[onerror]").count() == 0
    assert area.locator("a[href^='javascript:' i]").count() == 0


def test_admin_markdown_is_rendered_sanitised(ui_server, page):
    ui_server.set_options(Notice=XSS, HomePageContent=XSS, About=XSS, Footer=XSS)
    watch = watch_of(page)
    watch.allow(SIGNED_OUT_PROBE)
    watch.allow(r"^404 GET \S+/x-missing\.png$")
    try:
        page.goto("/")
        notice = page.get_by_role("dialog", name="Notice")
        assert_rendered_safely(page, notice)
        screenshot(page, "home-notice-desktop", full_page=False)
        notice.get_by_role("button", name="Got it").click()
        expect(notice).to_be_hidden()
        assert_rendered_safely(page, main(page))
        assert_rendered_safely(page, page.locator("footer"))
        page.goto("/about")
        settle(page)
        assert_rendered_safely(page, main(page))
        screenshot(page, "about-markdown-desktop")
    finally:
        ui_server.set_options(Notice="", HomePageContent="", About="", Footer="")
    assert not watch.problems(), watch.problems()
