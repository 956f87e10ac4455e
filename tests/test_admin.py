import pytest
from pytest_django.asserts import assertContains

from tests.factories import make_article, make_code, make_symptom, make_vote

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "/admin/",
    "/admin/kb/errorcode/",
    "/admin/kb/errorcode/add/",
    "/admin/kb/symptom/",
    "/admin/kb/symptom/add/",
    "/admin/articles/article/",
    "/admin/articles/article/add/",
    "/admin/articles/vote/",
    "/admin/kb/searchlog/",
]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_it_shows_admin_pages_to_staff(staff_client, url):
    assert staff_client.get(url).status_code == 200


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_it_sends_anonymous_visitors_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_it_serves_the_admin_login_page(client):
    assertContains(client.get("/admin/login/"), "Username")


def test_it_lists_articles_with_votes_and_helpful_ratio(staff_client):
    article = make_article(title="Mailbox full fix")
    make_vote(article, helpful=True)
    make_vote(article, helpful=True)
    make_vote(article, helpful=False)
    response = staff_client.get("/admin/articles/article/")
    assertContains(response, "Mailbox full fix")
    assertContains(response, "67% of 3")


def test_it_filters_codes_by_kind_and_finds_them_by_search(staff_client):
    make_code(code="0x800CCC79", kind="vendor", title="Outlook relay refused")
    make_code(code="5.2.2", kind="enhanced")
    response = staff_client.get("/admin/kb/errorcode/", {"kind__exact": "vendor", "q": "0x800"})
    assertContains(response, "0x800CCC79")
    assert "5.2.2" not in response.content.decode()


def test_it_shows_a_symptoms_examples_inline(staff_client):
    symptom = make_symptom(examples=["552 5.2.2 Mailbox is full"])
    response = staff_client.get(f"/admin/kb/symptom/{symptom.pk}/change/")
    assertContains(response, "552 5.2.2 Mailbox is full")


def test_it_shows_an_articles_symptoms_inline(staff_client):
    article = make_article()
    make_symptom(article=article, name="Inbox over quota")
    response = staff_client.get(f"/admin/articles/article/{article.pk}/change/")
    assertContains(response, "Inbox over quota")
