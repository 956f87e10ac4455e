import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from kb.models import CodeVariant
from tests.factories import make_code
from tests.site_data import make_site_data

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def kb():
    return make_site_data()


def test_it_lists_all_codes_grouped_by_kind(client, kb):
    response = client.get("/codes/")
    assertContains(response, '<h2 id="reply">SMTP reply codes</h2>', html=True)
    assertContains(response, '<h2 id="enhanced">Enhanced status codes</h2>', html=True)
    assertContains(response, 'href="/codes/550/"')
    assertContains(response, 'href="/codes/5.2.2/"')
    assertContains(response, 'href="#enhanced"')


def test_it_filters_the_code_list(client, kb):
    response = client.get("/codes/", {"q": "5.2"})
    assertContains(response, 'href="/codes/5.2.2/"')
    assertNotContains(response, 'href="/codes/550/"')


def test_htmx_filter_returns_only_the_list(client, kb):
    response = client.get("/codes/", {"q": "quota"}, **HTMX)
    assertNotContains(response, "<html")
    assertContains(response, 'href="/codes/5.2.2/"')


def test_it_explains_a_reply_code(client, kb):
    response = client.get("/codes/550/")
    assertContains(response, "Mailbox unavailable")
    assertContains(response, "The server refused the command")
    assertContains(response, "Permanent")


def test_it_takes_an_enhanced_code_apart(client, kb):
    response = client.get("/codes/5.7.1/")
    assertContains(response, "permanent failure · security or policy · delivery not authorized, message refused")


def test_it_shows_whose_side_and_the_articles_that_fix_it(client, kb):
    response = client.get("/codes/5.2.2/")
    assertContains(response, "The recipient&#x27;s mail server")
    assertContains(response, 'href="/articles/recipient-mailbox-full/"')
    assertContains(response, "Mailbox full")


def test_it_shows_provider_variants(client, kb):
    from kb.models import ErrorCode

    CodeVariant.objects.create(code=ErrorCode.objects.get(code="5.7.1"), provider="google",
                               meaning="Gmail uses it when the sending IP is not allowed to send directly.")
    response = client.get("/codes/5.7.1/")
    assertContains(response, "How providers use it")
    assertContains(response, "Gmail uses it when")


def test_it_finds_a_vendor_code_case_insensitively_and_redirects(client, db):
    make_code(code="0x800CCC79", kind="vendor", title="Outlook could not send", reason="norelaying", side="client")
    response = client.get("/codes/0x800ccc79/")
    assertRedirects(response, "/codes/0x800CCC79/", status_code=301)
    assertContains(client.get("/codes/0x800CCC79/"), "Outlook could not send")


def test_it_shows_every_kind_that_uses_the_same_code(client, db):
    make_code(code="554", kind="reply", title="Transaction failed", reason="undefined")
    make_code(code="554", kind="vendor", title="A provider's own 554", reason="undefined")
    response = client.get("/codes/554/")
    assertContains(response, "Transaction failed")
    assertContains(response, "A provider&#x27;s own 554")


def test_it_gives_404_for_an_unknown_code(client, kb):
    assert client.get("/codes/999/").status_code == 404
