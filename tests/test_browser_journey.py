"""A person pastes an error, reads the fix and says whether it helped: once with
JavaScript (results appear in place) and once without (plain forms)."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from articles.models import Vote
from tests.site_data import make_site_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ERROR = "552 5.2.2 <anna@example.com>: Recipient address rejected: Mailbox is full"


def test_it_shows_the_fix_as_the_person_pastes_without_a_page_load(page, live_server, screenshot_dir):
    make_site_data()
    page.goto(live_server.url + "/")
    page.evaluate("window.__samePage = true")
    loads = []
    page.on("load", lambda: loads.append(page.url))

    page.get_by_label("Paste the error you got").fill(ERROR)
    best = page.locator(".result-best")
    best.wait_for()
    assert "The recipient's mailbox is full" in best.locator("h2").inner_text()
    assert best.locator("mark").first.inner_text() == "Mailbox is full"
    assert page.evaluate("window.__samePage") is True
    assert loads == []
    assert "mailbox" in page.locator("#search-status").inner_text().lower()
    page.screenshot(path=str(screenshot_dir / "search-results.png"), full_page=True)

    best.get_by_role("link", name="Read the fix, step by step").click()
    page.wait_for_url("**/articles/recipient-mailbox-full/")
    assert page.locator("#step-1-1").is_visible()
    page.screenshot(path=str(screenshot_dir / "article.png"), full_page=True)

    page.evaluate("window.__samePage = true")
    page.get_by_role("button", name="No").click()
    box = page.get_by_label("How can this article be improved?")
    box.wait_for()
    box.fill("Say how long to wait before sending again.")
    page.get_by_role("button", name="Send").click()
    page.get_by_text("Thank you").wait_for()
    assert page.evaluate("window.__samePage") is True

    vote = Vote.objects.get()
    assert vote.helpful is False
    assert vote.comment == "Say how long to wait before sending again."


def test_it_answers_a_question_in_words_as_the_person_types(page, live_server):
    make_site_data()
    page.goto(live_server.url + "/")
    page.get_by_label("Paste the error you got").press_sequentially("recipient quota exceeded", delay=20)
    expect(page.locator(".article-hits a").first).to_have_text("The recipient's mailbox is full")


def test_the_whole_journey_works_without_javascript(browser, live_server, screenshot_dir):
    make_site_data()
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(live_server.url + "/")
        page.get_by_label("Paste the error you got").fill(ERROR)
        page.get_by_role("button", name="Diagnose").click()
        page.locator(".result-best").wait_for()
        assert page.get_by_label("Paste the error you got").input_value() == ERROR
        page.screenshot(path=str(screenshot_dir / "search-results-no-js-phone.png"), full_page=True)

        page.locator(".result-best").get_by_role("button", name="Yes").click()
        page.wait_for_url("**/articles/recipient-mailbox-full/#feedback")
        box = page.get_by_label("How can this article be improved?")
        box.fill("Clear and short.")
        page.get_by_role("button", name="Send").click()
        page.get_by_text("Thank you").wait_for()
        page.screenshot(path=str(screenshot_dir / "article-no-js-phone.png"), full_page=True)
    finally:
        context.close()

    vote = Vote.objects.get()
    assert vote.helpful is True
    assert vote.comment == "Clear and short."


def test_a_real_error_finds_its_article_in_the_shipped_knowledge_base(page, live_server, screenshot_dir):
    call_command("loadkb", stdout=open(__import__("os").devnull, "w"))
    page.goto(live_server.url + "/")
    page.get_by_label("Paste the error you got").fill(
        "Delivery to the following recipient failed permanently:\n\n     anna@example.com\n\n"
        "The response from the remote server was:\n"
        "552 5.2.2 The email account that you tried to reach is over quota. Please direct the recipient to "
        "https://support.google.com/mail/?p=OverQuotaPerm 41be03b00d2f7-5a9f5b1a6c0si812345a12.404 - gsmtp"
    )
    best = page.locator(".result-best")
    expect(best.locator("h2 a")).to_have_attribute("href", "/articles/recipient-mailbox-full/")
    page.screenshot(path=str(screenshot_dir / "search-results-shipped-kb.png"), full_page=True)
    best.locator("h2 a").click()
    page.wait_for_url("**/articles/recipient-mailbox-full/")
    expect(page.locator("#step-1-1")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "article-shipped-kb.png"), full_page=True)


def test_the_code_list_filters_as_the_person_types(page, live_server, screenshot_dir):
    make_site_data()
    page.goto(live_server.url + "/codes/")
    page.evaluate("window.__samePage = true")
    page.get_by_label("Find a code").fill("5.2")
    expect(page.locator("#code-list .code-table a")).to_have_text(["5.2.2"])
    assert page.evaluate("window.__samePage") is True
    page.screenshot(path=str(screenshot_dir / "codes-filtered.png"), full_page=True)


def test_it_says_honestly_when_nothing_fits(page, live_server, screenshot_dir):
    make_site_data()
    page.goto(live_server.url + "/")
    page.get_by_label("Paste the error you got").fill("550 5.7.1 zorblax frobnication refused")
    expect(page.locator(".result-none h2")).to_have_text("We could not match this to an article")
    expect(page.locator(".result-best")).to_have_count(0)
    page.screenshot(path=str(screenshot_dir / "search-no-match.png"), full_page=True)


def test_the_diagnose_button_also_answers_in_place(page, live_server):
    make_site_data()
    page.goto(live_server.url + "/")
    page.evaluate("window.__samePage = true")
    box = page.get_by_label("Paste the error you got")
    box.evaluate("(el, text) => { el.value = text }", ERROR)  # no input event: only the button sends it
    page.get_by_role("button", name="Diagnose").click()
    expect(page.locator(".result-best h2")).to_have_text("The recipient's mailbox is full")
    assert page.evaluate("window.__samePage") is True
