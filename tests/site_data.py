"""A tiny knowledge base for page tests: two articles with the symptoms and codes
that lead to them, made with the factories."""

from __future__ import annotations

from dataclasses import dataclass

from articles.models import Article
from tests.factories import make_article, make_code, make_symptom

MAILBOX_BODY = """## What happened

The recipient's mailbox has no room left for new mail.

## If you send the mail

1. Tell the recipient another way that their mailbox is full.
2. Send the message again once they have made room.

## If you run the mail server

1. Check the user's quota.
2. Raise the quota or clean up old mail.
"""


@dataclass
class SiteData:
    mailbox: Article
    unknown_user: Article
    general: Article


def make_site_data() -> SiteData:
    mailbox = make_article(
        slug="recipient-mailbox-full", title="The recipient's mailbox is full", reason="mailboxfull",
        summary="The recipient's mailbox is over its storage limit, so their server refused new mail.",
        body=MAILBOX_BODY,
    )
    unknown_user = make_article(
        slug="recipient-address-does-not-exist", title="The recipient's address does not exist",
        reason="userunknown", summary="The receiving server has no mailbox with that address; check it for typos.",
        body="## What happened\n\nThe address is wrong or was closed.\n\n## If you send the mail\n\n"
        "1. Check the spelling of the address.\n2. Ask the person for their current address.\n",
    )
    general = make_article(
        slug="general-troubleshooting", title="A general guide to email delivery errors", reason="undefined",
        summary="How to read a bounce and what to check first.",
    )
    mailbox.related.add(unknown_user)
    full_code = make_code(code="5.2.2", kind="enhanced", title="Mailbox full", reason="mailboxfull",
                          meaning="The recipient's mailbox is over its quota.", side="recipient")
    make_code(code="4.2.2", kind="enhanced", title="Mailbox full", reason="mailboxfull", temporary=True,
              meaning="The mailbox is full for now.", side="recipient")
    reply_552 = make_code(code="552", kind="reply", title="Storage allocation exceeded", reason="undefined",
                          meaning="The server refused the message for lack of storage.", side="recipient")
    make_code(code="5.7.1", kind="enhanced", title="Delivery not authorized, message refused", reason="undefined",
              meaning="A policy on the receiving side refused the message.", side="server")
    make_code(code="550", kind="reply", title="Mailbox unavailable", reason="undefined",
              meaning="The server refused the command: often an unknown address or a policy.", side="recipient")
    make_code(code="5.1.1", kind="enhanced", title="Bad destination mailbox address", reason="userunknown",
              meaning="The address does not exist at that domain.", side="recipient").articles.add(unknown_user)
    full_code.articles.add(mailbox)
    mailbox_symptom = make_symptom(key="mailbox-full", name="Mailbox full", reason="mailboxfull", article=mailbox,
                                   phrases="mailbox is full\nmailbox full\nover quota")
    mailbox_symptom.codes.add(full_code, reply_552)
    make_symptom(key="user-unknown", name="User unknown", reason="userunknown", article=unknown_user,
                 phrases="user unknown\nno such user\ndoes not exist")
    return SiteData(mailbox=mailbox, unknown_user=unknown_user, general=general)
