"""Browser tests: Playwright for Python driving Debian's Chromium, never a downloaded one.

Outside CI the tests skip, with the reason, when /usr/bin/chromium is missing; in CI
(CI=true) a missing browser fails the run.
"""

import os
import re
from pathlib import Path

from django.core.management import call_command
from django.db import connections

import pytest

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# there are ordinary blocking calls, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser(django_db_setup, django_db_blocker):
    in_ci = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
    if not CHROMIUM.exists():
        message = f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if in_ci:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Django keeps connections per async context, and Playwright's sync API runs the tests
    # inside an event loop: connections opened there are new objects, without the snapshot
    # that serialized_rollback restores. Carry it over.
    snapshots = {
        conn.alias: conn._test_serialized_contents
        for conn in connections.all()
        if hasattr(conn, "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        for alias, snapshot in snapshots.items():
            connections[alias]._test_serialized_contents = snapshot
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True
        )
        yield browser
        browser.close()


def is_csp_violation(message):
    return "Content Security Policy" in message.text


@pytest.fixture
def page(browser):
    """A desktop-sized page. Every browser test also proves the Content Security Policy: a
    script, style, frame or image the policy refused fails the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}") if is_csp_violation(message) else None
        ),
    )
    yield page
    context.close()
    assert not violations, "Content Security Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def demo_site(live_server):
    call_command("setup_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return live_server


# Parts of Wagtail's own admin that axe flags (unlabelled Draftail editors, StreamField child
# inputs, the collapsed minimap of a long page, and flash messages that axe sometimes measures
# mid-fade); they are upstream's and
# are recorded in docs/accessibility.md. Everything else on admin pages, and everything on
# public pages, is checked.
WAGTAIL_ADMIN_EXCLUSIONS = [
    [".Draftail-Editor"],
    ["section.w-panel--nested .w-field__input"],
    [".w-minimap__list"],
    [".messages"],
]


def axe_violations(page):
    """Serious and critical axe-core violations on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    context = {"exclude": WAGTAIL_ADMIN_EXCLUSIONS} if "/admin/" in page.url else None
    results = Axe().run(page, context=context)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}: "
        f"{v['nodes'][0].get('failureSummary', '')}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def assert_accessible(page):
    # Colours checked mid-fade are not the real ones: Wagtail's messages start transparent
    # and fade in once its scripts mark the page ready.
    page.wait_for_function(
        """() => {
            const opaque = (el) => {
                for (; el; el = el.parentElement) {
                    if (getComputedStyle(el).opacity !== '1') return false;
                }
                return true;
            };
            return [...document.querySelectorAll('.messages li')].every(opaque)
                && document.getAnimations().every(a => a.playState !== 'running');
        }""",
        timeout=10_000,
    )
    violations = axe_violations(page)
    assert not violations, f"{page.url}: " + "; ".join(violations)


EVALUATION_STATEMENTS = (
    "The learning objectives were met",
    "The instructor was knowledgeable about the subject",
    "The content is relevant to my practice",
    "The CE hours awarded are fair for the work",
)


def answer_all(page, text, questions=2):
    """Choose the choice labelled `text` in each of the first `questions` questions."""
    for n in range(1, questions + 1):
        page.get_by_role("group", name=re.compile(f"^Question {n}")).get_by_label(text).check()


def submit_evaluation(page):
    """Fill the open course evaluation with "Agree" everywhere and submit it."""
    for statement in EVALUATION_STATEMENTS:
        page.get_by_role("group", name=statement).get_by_label("Agree", exact=True).check()
    page.get_by_label("About how many minutes did the whole course take you?").fill("70")
    page.get_by_role("button", name="Submit evaluation").click()
