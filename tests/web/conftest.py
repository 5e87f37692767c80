"""Fixtures of the page suites: a public path and a learner's clone (the API suites'
``source`` and ``clone``), and for the browser suite a real Chromium driven by Playwright.

The browser is Debian's ``/usr/bin/chromium`` (``.ci/run`` installs it; Playwright never
downloads one). Without it the browser tests skip, except under CI, where they fail.
Playwright's sync API runs an event loop in the test's thread, which Django's
async-safety check takes for async code; the tests talk to the database between browser
steps on purpose, so the check is off for this suite.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]
ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts"
#: axe-core impacts that fail a page.
BLOCKING_IMPACTS = {"serious", "critical"}


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run the browser suite: .ci/run installs chromium)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"{CHROMIUM} is missing: `apt-get install chromium` to run browser tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is missing: `make install`")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A browser page, with every console error and uncaught exception it logged."""

    def __init__(self, context):
        self.context = context
        self.page = context.new_page()
        self.errors: list[str] = []
        self.page.on(
            "console",
            lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None,
        )
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        target = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(target), full_page=True)
        return target

    def accessibility_violations(self) -> list[str]:
        """axe-core's serious and critical violations on the current page."""
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(self.page)
        return [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(node["target"]) for node in v["nodes"][:3])
            for v in results.response["violations"]
            if v["impact"] in BLOCKING_IMPACTS
        ]


def on_a_phone(browser, url: str, name: str, cookies: list | None = None) -> None:
    """Open ``url`` 390 px wide with the system set to dark, save a screenshot ``name``;
    fail if the page scrolls sideways, has a serious axe violation or logs an error."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, color_scheme="dark"
    )
    context.add_cookies(cookies or [])
    seen = Watched(context)
    seen.page.goto(url)
    width = seen.page.evaluate("document.documentElement.scrollWidth")
    seen.screenshot(name)
    violations = seen.accessibility_violations()
    context.close()
    assert width <= 390, f"{name} scrolls sideways: {width} px"
    assert not violations, violations
    assert not seen.errors, seen.errors


@pytest.fixture(autouse=True)
def media_through_our_urls(monkeypatch):
    """Django's live server answers ``/media/`` itself, whole files only; let our URLconf
    (``config.media``, with byte ranges, as in production) answer instead."""
    from django.test.testcases import _MediaFilesHandler

    monkeypatch.setattr(_MediaFilesHandler, "_should_handle", lambda self, path: False)


@pytest.fixture
def watched(browser):
    """A fresh browser context's page; the test fails if the page logged any error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    seen = Watched(context)
    yield seen
    context.close()
    assert not seen.errors, seen.errors
