import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_opens_the_home_page_and_finds_the_paste_box(page, live_server):
    page.goto(live_server.url + "/")
    box = page.get_by_label("Paste the error you got")
    assert box.is_visible()
    box.fill("550 5.1.1 user unknown")
    assert box.input_value() == "550 5.1.1 user unknown"
