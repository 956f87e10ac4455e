import pytest
from pytest_django.asserts import assertContains, assertNotContains

from tests.site_data import make_site_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def kb():
    return make_site_data()


def test_the_sitemap_lists_articles_codes_and_reasons(client, kb, draft_article):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assertContains(response, "<loc>http://127.0.0.1:8000/articles/recipient-mailbox-full/</loc>")
    assertContains(response, "/codes/5.2.2/</loc>")
    assertContains(response, "/reasons/mailboxfull/</loc>")
    assertNotContains(response, draft_article.slug)


def test_robots_allows_all_but_admin_and_api(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "User-agent: *" in body
    assert "Disallow: /admin/" in body
    assert "Disallow: /api/" in body
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in body


@pytest.mark.parametrize("path", ["/", "/codes/", "/codes/550/", "/reasons/", "/reasons/mailboxfull/",
                                  "/articles/recipient-mailbox-full/"])
def test_every_page_has_a_canonical_link_and_a_description(client, kb, path):
    response = client.get(path)
    assert response.status_code == 200
    assertContains(response, '<link rel="canonical" href="http://127.0.0.1:8000')
    assertContains(response, '<meta name="description" content="')


def test_a_search_result_points_its_canonical_link_at_the_home_page(client, kb):
    response = client.get("/", {"q": "552 5.2.2 mailbox full"})
    assertContains(response, '<link rel="canonical" href="http://127.0.0.1:8000/">')
