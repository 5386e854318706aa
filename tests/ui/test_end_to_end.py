"""The whole story in a real browser: root sets up a channel and a key, a client calls the relay with the
official SDK, the call shows in the logs, a new user registers and redeems a code root made, and root
renames the site. Only the relay call leaves the browser."""

from __future__ import annotations

import re

import openai
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from app.models import Log, User
from app.models.log import LOG_CONSUME
from tests.factories import CHANNEL_KEY
from tests.ui.browser import choose, login, main, nav_item, screenshot, settle, watch_of

MODEL = "gpt-4o-mini"  # the mock upstream serves it; the relay's price table knows it
NEW_USER = ("e2e_user", "e2e-password-1")
CODE_QUOTA = 2_500_000  # $5 at the default 500,000 units per dollar


def display(quota: int) -> str:
    """The UI's formatQuota with its defaults (DisplayInCurrency on, 500,000 units per dollar)."""
    dollars = quota / 500_000
    text = f"{dollars:.{2 if abs(dollars) >= 1 else 6}f}".rstrip("0").rstrip(".")
    return f"${text}"


def go(page: Page, menu_item: str, path: str) -> None:
    """Navigate as a person does: through the side menu."""
    nav_item(page, menu_item).click()
    expect(page).to_have_url(re.compile(re.escape(path) + r"$"))
    settle(page)


def create_channel(page: Page, upstream_url: str) -> None:
    go(page, "Channels", "/channel")
    main(page).get_by_role("button", name="Add channel").click()
    expect(page).to_have_url(re.compile(r"/channel/add$"))
    settle(page)
    form = main(page)
    choose(form, "Type", "Custom")
    form.get_by_label("Name", exact=True).fill("mock upstream")
    form.get_by_label("Base URL", exact=True).fill(upstream_url)
    form.get_by_label("Key", exact=True).fill(CHANNEL_KEY)
    form.get_by_label(re.compile(r"^Custom model")).fill(MODEL)
    form.get_by_role("button", name="Add custom model").click()
    models = form.get_by_label("Models", exact=True).locator(
        "xpath=ancestor::div[contains(concat(' ', @class, ' '), ' ant-select ')][1]")
    expect(models).to_have_text(MODEL)  # a custom type starts with no models
    screenshot(page, "e2e-channel-form-desktop")
    form.get_by_role("button", name="Create", exact=True).click()
    expect(page).to_have_url(re.compile(r"/channel$"))
    settle(page)
    expect(main(page).get_by_role("row").filter(has_text="mock upstream")).to_be_visible()
    screenshot(page, "e2e-channels-desktop")


def create_api_key(page: Page) -> str:
    go(page, "API keys", "/token")
    main(page).get_by_role("button", name="Add API key").first.click()  # the toolbar's; the empty list has one too
    expect(page).to_have_url(re.compile(r"/token/add$"))
    settle(page)
    main(page).get_by_label("Name", exact=True).fill("e2e key")
    main(page).get_by_role("button", name="Create", exact=True).click()
    dialog = page.get_by_role("dialog", name="API key created")
    shown = dialog.get_by_role("textbox", name="Your new API key").input_value()
    assert re.fullmatch(r"sk-[A-Za-z0-9]{48}", shown), shown
    dialog.get_by_role("button", name="Copy", exact=True).click()
    expect(page.get_by_text("Copied to the clipboard")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == shown
    screenshot(page, "e2e-key-created-desktop", full_page=False)
    dialog.get_by_role("button", name="Done").click()
    expect(page).to_have_url(re.compile(r"/token$"))
    settle(page)
    expect(main(page).get_by_role("row").filter(has_text="e2e key")).to_be_visible()
    return shown


def create_redemption_code(page: Page) -> str:
    go(page, "Redemption codes", "/redemption")
    main(page).get_by_role("button", name="Add redemption codes").first.click()
    expect(page).to_have_url(re.compile(r"/redemption/add$"))
    settle(page)
    form = main(page)
    form.get_by_label("Name", exact=True).fill("e2e batch")
    form.get_by_label("Quota", exact=True).fill(str(CODE_QUOTA))
    form.get_by_label("How many codes").fill("3")
    form.get_by_role("button", name="Create", exact=True).click()
    dialog = page.get_by_role("dialog", name="3 codes created")
    codes = dialog.get_by_role("textbox", name="New redemption codes").input_value().split("\n")
    assert len(codes) == 3 and all(re.fullmatch(r"[0-9a-f]{32}", code) for code in codes), codes
    screenshot(page, "e2e-codes-created-desktop", full_page=False)
    dialog.get_by_role("button", name="Done").click()
    settle(page)
    expect(main(page).get_by_role("row").filter(has_text="e2e batch")).to_have_count(3)
    return codes[0]


def register(page: Page, username: str, password: str) -> None:
    page.goto("/")
    settle(page)
    main(page).get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/register$"))
    form = main(page)
    form.get_by_label("Username", exact=True).fill(username)
    form.get_by_label("Password", exact=True).fill(password)
    form.get_by_label("Confirm password", exact=True).fill(password)
    screenshot(page, "e2e-register-desktop")
    form.get_by_role("button", name="Create account").click()
    # A new account is signed in straight away; sign out to sign in again through the form.
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    page.get_by_role("banner").get_by_role("button", name=re.compile(re.escape(username))).hover()
    page.get_by_role("menuitem", name=re.compile(r"Sign out$")).click()
    expect(page).to_have_url(re.compile(r"/login(\?|$)"))


def call_relay(base_url: str, key: str) -> None:
    """What a client app does with the key: the official SDK against the gateway's /v1."""
    client = openai.OpenAI(base_url=f"{base_url}/v1", api_key=key, max_retries=0)
    reply = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "Say hello"}])
    assert reply.choices[0].message.content == "Hello from the mock upstream."


def see_call_in_logs(page: Page, quota: int) -> None:
    go(page, "Logs", "/log")
    row = main(page).get_by_role("row").filter(has_text=MODEL)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("e2e key")
    expect(row).to_contain_text(display(quota))
    screenshot(page, "e2e-logs-desktop")


def redeem(page: Page, code: str) -> None:
    go(page, "Top up", "/topup")
    balance = main(page).locator(".ant-statistic").filter(has_text="Remaining quota")
    expect(balance).to_contain_text(display(0))
    main(page).get_by_label("Redemption code").fill(code)
    main(page).get_by_role("button", name="Redeem", exact=True).click()
    expect(main(page).get_by_text(f"Redeemed: {display(CODE_QUOTA)} added to your balance.")).to_be_visible()
    expect(balance).to_contain_text(display(CODE_QUOTA))
    screenshot(page, "e2e-topup-desktop")


def rename_site(page: Page, name: str) -> None:
    go(page, "Settings", "/setting")
    main(page).get_by_role("tab", name="Other").click()
    main(page).get_by_label("System name", exact=True).fill(name)
    main(page).get_by_role("button", name="Save System name").click()
    expect(page.get_by_text("Saved", exact=True)).to_be_visible()
    screenshot(page, "e2e-settings-other-desktop")


def brand(page: Page) -> Locator:
    """The system name at the top of the side menu."""
    return page.locator(".ant-layout-sider").get_by_role("link").first


def test_root_sets_up_relay_and_a_new_user_tops_up(ui_server, mock_upstream, new_context):
    root = new_context().new_page()
    login(root)
    create_channel(root, mock_upstream.url)
    key = create_api_key(root)

    call_relay(ui_server.url, key)
    assert mock_upstream.last_request.headers["authorization"] == f"Bearer {CHANNEL_KEY}"
    with ui_server.session() as session:
        quota = session.scalars(select(Log.quota).where(Log.type == LOG_CONSUME)).one()
    assert quota > 0
    see_call_in_logs(root, quota)

    code = create_redemption_code(root)
    visitor = new_context().new_page()
    register(visitor, *NEW_USER)
    login(visitor, *NEW_USER)
    redeem(visitor, code)
    with ui_server.session() as session:
        assert session.scalars(select(User.quota).where(User.username == NEW_USER[0])).one() == CODE_QUOTA

    expect(brand(visitor)).to_have_text("Tollgate")
    rename_site(root, "Acme AI Gateway")
    expect(brand(root)).to_have_text("Acme AI Gateway")  # at once, without a reload
    expect(root).to_have_title("Acme AI Gateway")
    visitor.reload()  # everyone else sees it on their next page load
    settle(visitor)
    expect(brand(visitor)).to_have_text("Acme AI Gateway")

    for page in (root, visitor):
        assert not watch_of(page).problems(), watch_of(page).problems()
