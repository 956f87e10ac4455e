import json
import re

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import make_article
from tests.site_data import make_site_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def kb():
    return make_site_data()


def test_it_shows_the_title_summary_and_steps(client, kb):
    response = client.get("/articles/recipient-mailbox-full/")
    assertContains(response, "<h1 id=\"article-title\">The recipient&#x27;s mailbox is full</h1>", html=True)
    assertContains(response, kb.mailbox.summary.replace("'", "&#x27;"))
    assertContains(response, "Tell the recipient another way")


def test_it_gives_every_step_an_anchor(client, kb):
    response = client.get("/articles/recipient-mailbox-full/")
    assertContains(response, '<li id="step-1-1">')
    assertContains(response, '<li id="step-1-2">')
    assertContains(response, '<li id="step-2-2">')


def test_it_shows_the_sender_and_administrator_parts(client, kb):
    response = client.get("/articles/recipient-mailbox-full/")
    assertContains(response, 'id="if-you-send-the-mail"')
    assertContains(response, 'id="if-you-run-the-mail-server"')
    assertContains(response, 'href="#if-you-run-the-mail-server"')


def test_it_links_the_codes_it_fixes(client, kb):
    response = client.get("/articles/recipient-mailbox-full/")
    assertContains(response, 'href="/codes/5.2.2/"')
    assertContains(response, 'href="/codes/552/"')


def test_it_lists_the_symptoms_and_related_articles(client, kb):
    response = client.get("/articles/recipient-mailbox-full/")
    assertContains(response, "Mailbox full")
    assertContains(response, 'href="/articles/recipient-address-does-not-exist/"')


def test_it_shows_when_it_was_last_updated(client, kb):
    response = client.get("/articles/recipient-mailbox-full/")
    assertContains(response, "Last updated")


def test_it_hides_drafts(client, draft_article):
    assert client.get(draft_article.get_absolute_url()).status_code == 404


def test_it_gives_404_for_an_unknown_article(client, db):
    assert client.get("/articles/no-such-article/").status_code == 404


def test_it_describes_the_fix_as_json_ld_howto(client, kb):
    response = client.get("/articles/recipient-mailbox-full/")
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
    data = json.loads(block.group(1))
    assert data["@type"] == "HowTo"
    assert data["name"] == "The recipient's mailbox is full"
    first = data["step"][0]["itemListElement"][0]
    assert first["url"].endswith("/articles/recipient-mailbox-full/#step-1-1")
    assert "Tell the recipient" in first["text"]


def test_json_ld_cannot_close_its_script_tag(client, db):
    make_article(slug="sneaky", title="Sneaky </script><script>alert(1)</script>",
                 body="## Fix\n\n1. Type `</script>` here.\n")
    response = client.get("/articles/sneaky/")
    head = response.content.decode().split("</head>")[0]
    assert head.count("</script>") == 2  # htmx's tag and the JSON-LD block
    assert "\\u003c/script\\u003e" in head


def test_it_has_meta_description_and_canonical_link(client, kb):
    response = client.get("/articles/recipient-mailbox-full/")
    assertContains(response, '<meta name="description" content="The recipient&#x27;s mailbox is over its storage limit')
    assertContains(response, '<link rel="canonical" href="http://127.0.0.1:8000/articles/recipient-mailbox-full/">')


def test_it_has_a_print_stylesheet(client):
    from django.contrib.staticfiles import finders

    with open(finders.find("css/site.css")) as css:
        assert "@media print" in css.read()


def test_it_does_not_load_anything_from_a_cdn(client, kb):
    response = client.get("/articles/recipient-mailbox-full/")
    assertNotContains(response, 'src="http')
    assertNotContains(response, 'href="https://cdn')
