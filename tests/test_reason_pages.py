import pytest
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import make_article
from tests.site_data import make_site_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def kb():
    return make_site_data()


def test_it_lists_the_articles_of_one_reason(client, kb):
    make_article(slug="hidden-draft", title="A hidden draft", reason="mailboxfull", status="draft")
    response = client.get("/reasons/mailboxfull/")
    assertContains(response, "<h1>Mailbox full</h1>", html=True)
    assertContains(response, 'href="/articles/recipient-mailbox-full/"')
    assertNotContains(response, "A hidden draft")


def test_it_lists_codes_that_usually_mean_the_reason(client, kb):
    response = client.get("/reasons/mailboxfull/")
    assertContains(response, 'href="/codes/5.2.2/"')


def test_it_gives_404_for_an_unknown_reason(client, kb):
    assert client.get("/reasons/nosuchreason/").status_code == 404


def test_a_known_reason_without_articles_says_so(client, kb):
    response = client.get("/reasons/virusdetected/")
    assert response.status_code == 200
    assertContains(response, "No article of this type yet")


def test_it_says_a_non_failure_reason_is_not_a_failure(client, kb):
    assertContains(client.get("/reasons/vacation/"), "This is not a delivery failure.")


def test_the_index_lists_reasons_with_their_article_counts(client, kb):
    response = client.get("/reasons/")
    assertContains(response, 'href="/reasons/mailboxfull/"')
    assertContains(response, "1 article")
