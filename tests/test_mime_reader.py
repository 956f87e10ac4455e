"""The MIME reader's limits and its on-demand reading of attached messages."""

from kb.diagnosis.mime import MAX_PARTS, parse_message


def multipart(parts: list[str], boundary: str = "b") -> str:
    body = "".join(f"--{boundary}\n{part}\n" for part in parts)
    return f"Subject: outer\nContent-Type: multipart/mixed; boundary=\"{boundary}\"\n\n{body}--{boundary}--\n"


ATTACHED = "Content-Type: message/rfc822\n\nSubject: inner\nFrom: a@example.com\n\nthe original text"


def test_an_attached_message_is_read_when_asked_for():
    top = parse_message(multipart(["Content-Type: text/plain\n\nhello", ATTACHED]))
    attached = top.children[1]
    assert attached.ctype == "message/rfc822"
    assert attached.children[0].get("subject") == "inner"
    assert attached.children[0].get("from") == "a@example.com"
    assert [p.ctype for p in top.walk()] == ["multipart/mixed", "text/plain", "message/rfc822", "text/plain"]


def test_a_message_with_too_many_parts_is_read_up_to_the_limit():
    parts = [ATTACHED] * 5 + ["Content-Type: text/plain\n\nx"] * (MAX_PARTS + 50)
    top = parse_message(multipart(parts))
    read = list(top.walk())
    assert len(read) == MAX_PARTS
    # parts are counted in reading order: the attached messages near the top are read
    assert [p.get("subject") for p in read[1:4]] == ["", "inner", ""]
