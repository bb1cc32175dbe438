"""Browser end-to-end journeys: Playwright drives Debian's Chromium against the live test
server. Run with `make e2e` (CI does); `make test` leaves them out. Screenshots of each
step go to e2e-screenshots/<journey>/ (git-ignored) for review."""

import os
import re
import shutil
from pathlib import Path

import pytest

# The live server runs in a thread beside Playwright's event loop (sync API): Django's
# async-safety guard would otherwise refuse database access there. Tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("KAIYIHUI_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "e2e-screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "e2e-pass-2026"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but Chromium is missing at {CHROMIUM}.")
        pytest.skip(f"Chromium is missing at {CHROMIUM} (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        yield browser
        browser.close()


class Journey:
    """A browser page plus numbered screenshots of each step."""

    def __init__(self, page, base_url: str, name: str):
        self.page = page
        self.base_url = base_url
        self.folder = SCREENSHOTS / name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.step = 0
        self.console_errors: list[str] = []
        page.on(
            "console",
            lambda message: message.type == "error" and self.console_errors.append(message.text),
        )
        # Submitting for good asks first (data-confirm, static/js/portal-forms.js): the
        # journeys say yes and keep the question so a test can check it was asked. A
        # "leave the page?" (beforeunload) is left to the test that provokes it.
        self.dialogs: list[str] = []
        page.on("dialog", self._answer)

    def _answer(self, dialog):
        if dialog.type == "confirm":
            self.dialogs.append(dialog.message)
            dialog.accept()

    def go(self, path: str):
        self.page.goto(self.base_url + path)
        return self.page

    def shot(self, label: str) -> Path:
        self.step += 1
        path = self.folder / f"{self.step:02d}-{re.sub(r'[^a-z0-9]+', '-', label.lower())}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def login(self, username: str, password: str = PASSWORD):
        self.go("/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        # The header's language switch is a submit button too: press the form's own.
        self.page.click("button.primary")
        self.page.wait_for_load_state()

    def logout(self):
        self.page.context.clear_cookies()


@pytest.fixture
def journey(browser, live_server, request, transactional_db):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    trip = Journey(page, live_server.url, request.node.name)
    yield trip
    context.close()
    # A strict CSP must not have blocked anything the pages need.
    assert not [e for e in trip.console_errors if "Content Security Policy" in e], (
        trip.console_errors
    )


def with_password(user):
    user.set_password(PASSWORD)
    user.save()
    return user
