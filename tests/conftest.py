"""Shared fixtures. Tests hit the real database (SQLite by default, PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

import os

import pytest
from django.utils import translation

from rencai.core import clock

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses
# to run there unless told it is safe (it is: one thread drives the browser).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_hasher_and_clean_clock(settings):
    # Argon2 is exercised in its own test; elsewhere a fast hasher keeps the suite quick.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "rencai.accounts.hashers.OwaspArgon2PasswordHasher",
    ]
    clock.reset()
    yield
    clock.reset()
    # LocaleMiddleware activates a request's language for the thread and never resets it:
    # a test client request in English must not leave English to the next test.
    translation.deactivate()


@pytest.fixture
def admin_client(admin_user):
    """pytest-django's admin_client, past the second factor that /admin/ asks of staff."""
    from tests.backoffice.second_factor import verified_client

    return verified_client(admin_user)


@pytest.fixture
def reference_data(db):
    """Districts and offices from the seed's table."""
    from rencai.orgs.reference import offices_load

    offices_load()


@pytest.fixture
def demo_data(reference_data):
    """The demo, on the reference data it needs (`rencai bootstrap` loads all of it first)."""
    from rencai.catalog.reference import _load_simple
    from rencai.core.demo import demo_load

    _load_simple()  # title series and attachment types: the demo cases fill their forms
    demo_load()


def pytest_collection_modifyitems(config, items):
    # Browser journeys share one xdist worker (--dist loadgroup): two Chromiums plus two
    # live servers on a 2-core machine made page loads time out. Without xdist
    # (`-p no:xdist`) the marker is not registered and --strict-markers would refuse it.
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.xdist_group("e2e"))


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("RENCAI_CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(executable):
        pytest.fail(f"Chromium not found at {executable}: `.ci/run` installs Debian's chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30000)  # CI machine has 2 shared cores
    yield page
    context.close()


@pytest.fixture
def mobile_page(browser, live_server):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(30000)  # CI machine has 2 shared cores
    yield page
    context.close()
