import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from articles.models import Vote
from articles.views import VISITOR_COOKIE

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(article):
    return f"/articles/{article.slug}/feedback/"


def test_it_shows_the_question_on_every_article(client, published_article):
    response = client.get(published_article.get_absolute_url())
    assertContains(response, "<legend>Was this helpful?</legend>", html=True)
    assertContains(response, 'name="helpful" value="yes"')


def test_it_counts_a_vote_and_redirects_back_without_javascript(client, published_article):
    response = client.post(_url(published_article), {"helpful": "yes"})
    assertRedirects(response, published_article.get_absolute_url() + "#feedback", fetch_redirect_response=False)
    vote = Vote.objects.get()
    assert vote.article == published_article
    assert vote.helpful is True


def test_it_asks_how_to_improve_after_a_vote(client, published_article):
    client.post(_url(published_article), {"helpful": "no"})
    response = client.get(published_article.get_absolute_url())
    assertContains(response, "How can this article be improved?")


def test_it_counts_a_vote_once_per_visitor(client, published_article):
    client.post(_url(published_article), {"helpful": "yes"})
    client.post(_url(published_article), {"helpful": "yes"})
    assert Vote.objects.count() == 1


def test_it_changes_a_vote_instead_of_adding_one(client, published_article):
    client.post(_url(published_article), {"helpful": "yes"})
    client.post(_url(published_article), {"helpful": "no"})
    assert list(Vote.objects.values_list("helpful", flat=True)) == [False]


def test_two_visitors_get_two_votes(published_article):
    Client().post(_url(published_article), {"helpful": "yes"})
    Client().post(_url(published_article), {"helpful": "no"})
    assert Vote.objects.count() == 2


def test_it_saves_the_comment_and_says_thanks(client, published_article):
    client.post(_url(published_article), {"helpful": "no"})
    response = client.post(_url(published_article), {"comment": "Step 2 needs a screenshot."}, **HTMX)
    assertContains(response, "Thank you")
    vote = Vote.objects.get()
    assert vote.comment == "Step 2 needs a screenshot."
    assert vote.helpful is False


def test_a_comment_without_a_vote_is_refused(client, published_article):
    response = client.post(_url(published_article), {"comment": "Hello"}, **HTMX)
    assert response.status_code == 422
    assertContains(response, "Please choose Yes or No", status_code=422)
    assert Vote.objects.count() == 0


def test_it_stores_only_a_salted_hash_of_the_visitor(client, published_article):
    client.post(_url(published_article), {"helpful": "yes"})
    visitor = client.cookies[VISITOR_COOKIE].value
    vote = Vote.objects.get()
    assert len(vote.visitor_hash) == 64
    assert visitor not in vote.visitor_hash


def test_the_cookie_is_http_only_and_long_lived(client, published_article):
    response = client.post(_url(published_article), {"helpful": "yes"})
    cookie = response.cookies[VISITOR_COOKIE]
    assert cookie["httponly"]
    assert int(cookie["max-age"]) > 365 * 24 * 3600


def test_htmx_vote_returns_only_the_feedback_partial(client, published_article):
    response = client.post(_url(published_article), {"helpful": "yes"}, **HTMX)
    assert response.status_code == 200
    assertNotContains(response, "<html")
    assertContains(response, 'class="feedback"')
    assertContains(response, "How can this article be improved?")


def test_it_refuses_a_vote_without_the_csrf_token(published_article):
    client = Client(enforce_csrf_checks=True)
    response = client.post(_url(published_article), {"helpful": "yes"})
    assert response.status_code == 403
    assert Vote.objects.count() == 0


def test_it_accepts_a_vote_with_the_csrf_token_from_the_page(published_article):
    client = Client(enforce_csrf_checks=True)
    client.get(published_article.get_absolute_url())
    token = client.cookies["csrftoken"].value
    response = client.post(_url(published_article), {"helpful": "yes"}, HTTP_X_CSRFTOKEN=token, **HTMX)
    assert response.status_code == 200
    assert Vote.objects.count() == 1


def test_get_on_the_vote_url_is_not_allowed(client, published_article):
    assert client.get(_url(published_article)).status_code == 405


def test_it_refuses_votes_on_drafts(client, draft_article):
    assert client.post(_url(draft_article), {"helpful": "yes"}).status_code == 404


def test_it_ignores_a_forged_visitor_cookie(client, published_article):
    client.cookies[VISITOR_COOKIE] = "<script>"
    client.post(_url(published_article), {"helpful": "yes"})
    assert client.cookies[VISITOR_COOKIE].value != "<script>"
    assert Vote.objects.count() == 1
