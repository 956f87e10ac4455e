"""What the result card is built from: highlighting, codes taken apart, step anchors."""

from articles.steps import number_steps
from kb.results import enhanced_parts, highlight


def test_highlight_escapes_everything_and_marks_the_spans():
    text = "<b>550</b> mailbox is full & gone"
    start = text.index("mailbox")
    assert highlight(text, [(start, start + len("mailbox is full"))]) == (
        "&lt;b&gt;550&lt;/b&gt; <mark>mailbox is full</mark> &amp; gone"
    )


def test_highlight_merges_overlapping_spans():
    assert highlight("abcdef", [(0, 3), (2, 5)]) == "<mark>abcde</mark>f"


def test_highlight_ignores_spans_outside_the_text():
    assert highlight("abc", [(5, 9), (2, 1)]) == "abc"


def test_highlight_cuts_a_long_paste_to_the_parts_around_the_match():
    text = "header line\n" * 2000 + "552 5.2.2 Mailbox is full\n" + "base64line\n" * 2000
    start = text.index("Mailbox")
    shown = highlight(text, [(start, start + 15)])
    assert "<mark>Mailbox is full</mark>" in shown
    assert len(shown) < 2000
    assert shown.startswith("…")


def test_highlight_shows_the_head_of_a_long_paste_without_spans():
    shown = highlight("x" * 10000, [])
    assert len(shown) < 1600


def test_enhanced_parts_uses_rfc_3463_class_and_subject_names():
    assert enhanced_parts("5.7.1", "Delivery not authorized") == [
        "permanent failure", "security or policy", "delivery not authorized",
    ]
    assert enhanced_parts("4.4.1", "")[:2] == ["persistent transient failure", "network and routing"]
    assert enhanced_parts("2.0.0", "Success")[0] == "success"


def test_enhanced_parts_of_a_non_enhanced_code_is_empty():
    assert enhanced_parts("550", "x") == []


def test_steps_of_top_level_numbered_lists_get_anchors():
    html = "<h2 id=\"a\">A</h2><ol><li>One<ol><li>Nested</li></ol></li><li>Two</li></ol><ul><li>Bullet</li></ul>" \
           "<h2 id=\"b\">B</h2><ol start=\"3\"><li>Three</li></ol>"
    out, sections = number_steps(html)
    assert '<li id="step-1-1">One<ol><li>Nested</li></ol></li><li id="step-1-2">Two</li>' in out
    assert "<ul><li>Bullet</li></ul>" in out
    assert '<li id="step-2-3">Three</li>' in out
    assert [s.title for s in sections] == ["A", "B"]
    assert [step.text for step in sections[0].steps] == ["One Nested", "Two"]


def test_step_anchors_survive_a_greater_than_sign_in_an_attribute():
    out, _ = number_steps('<ol><li><a href="/x" title="a > b">x</a></li></ol>')
    assert out == '<ol><li id="step-1-1"><a href="/x" title="a > b">x</a></li></ol>'


def test_it_says_a_connection_timeout_in_a_mail_program_is_on_your_side(client, db):
    from django.core.management import call_command

    call_command("loadkb", verbosity=0)
    response = client.post("/", {"q": "Connecting to: smtp.example.com:25\nSocket Error #10060\nConnection timed out."})
    content = response.content.decode()
    assert "Your mail program cannot connect" in content or "cannot-connect-to-smtp-server" in content
    assert "Your mail program or account" in content


def test_staff_can_say_whose_side_an_article_is_on(client, db):
    from articles.models import Article
    from tests.site_data import make_site_data

    make_site_data()
    paste = "552 5.2.2 <anna@example.com>: Recipient address rejected: Mailbox is full"
    assert "The recipient&#x27;s mail server" in client.post("/", {"q": paste}).content.decode()
    article = Article.objects.get(slug="recipient-mailbox-full")
    article.side = "client"
    article.save()
    content = client.post("/", {"q": paste}).content.decode()
    assert "Your mail program or account" in content
    assert "The recipient&#x27;s mail server" not in content
