import pytest
from pytest_django.asserts import assertContains

pytestmark = pytest.mark.django_db


def test_it_shows_the_paste_box_on_the_home_page(client):
    response = client.get("/")
    assertContains(response, "Paste the error you got")
    assertContains(response, '<textarea id="paste"')
