"""Fixtures of the page suites: a public path and a learner's clone (the API suites'
``source`` and ``clone``), and for the browser suite a real Chromium driven by Playwright.

Playwright's sync API runs an event loop in the test's thread, which Django's
async-safety check takes for async code; the test talks to the database between browser
steps on purpose, so the check is off for this suite.
"""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.api.conftest import clone, source  # noqa: E402,F401 - shared fixtures
