import os
from pathlib import Path

import pytest

SHARED_DIR = Path(__file__).resolve().parent.parent.parent / "shared"
CORPUS_DIR = SHARED_DIR / "corpus" / "sisimai"
SEEDS_DIR = SHARED_DIR / "seeds"
OUTPUT_DIR = Path(__file__).resolve().parent.parent / "test-output"


@pytest.fixture
def published_article(db):
    from tests.factories import make_article

    return make_article(slug="mailbox-full", title="The recipient's mailbox is full")


@pytest.fixture
def draft_article(db):
    from tests.factories import make_article

    return make_article(slug="unfinished-draft", title="An unfinished draft", status="draft")


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user("alice", "alice@example.com", "a-long-password", is_staff=True,
                                                 is_superuser=True)
    client.force_login(user)
    return client


@pytest.fixture
def corpus_dir():
    if not (CORPUS_DIR / "labels.jsonl").exists():
        pytest.skip("../shared/corpus is not beside the project")
    return CORPUS_DIR


@pytest.fixture
def seeds_dir():
    if not SEEDS_DIR.exists():
        pytest.skip("../shared/seeds is not beside the project")
    return SEEDS_DIR


# --- browser tests -------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("MAILFIX_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is not installed (Debian package chromium)")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM
    # calls are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot_dir():
    OUTPUT_DIR.mkdir(exist_ok=True)
    return OUTPUT_DIR


@pytest.fixture(autouse=True)
def _fresh_diagnosis_index():
    """Each test builds the index from its own database state."""
    from kb import knowledge_source

    knowledge_source.reset()
    yield
    knowledge_source.reset()
