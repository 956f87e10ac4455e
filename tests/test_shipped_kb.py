"""The knowledge base that ships in fixtures/: complete, consistent, linked.

These read the fixture files directly (no database); test_loadkb.py checks
that the same files load cleanly into the database.
"""

import json
import re
from functools import cache

import pytest

from kb.diagnosis.reasons import REASONS
from kb.kbfiles import read_all

REPLY_CODES = (
    "101 111 211 214 220 221 250 251 252 354 420 421 422 431 432 441 442 446 447 449 450 451 452 454 471 "
    "500 501 502 503 504 510 511 512 513 521 523 530 534 535 538 541 550 551 552 553 554 555 556"
).split()

# RFC 3463 and the IANA registry that extends it: subject -> highest detail.
ENHANCED_DETAILS = {0: 0, 1: 10, 2: 4, 3: 6, 4: 7, 5: 6, 6: 10, 7: 30}
ENHANCED_CODES = [
    f"{cls}.{subject}.{detail}"
    for cls in (4, 5)
    for subject, top in ENHANCED_DETAILS.items()
    for detail in range(top + 1)
]

PROVIDER_CODES = [
    # Microsoft Exchange Online / Outlook.com
    "5.1.10", "5.7.57", "5.7.139", "5.7.708", "5.7.750", "4.4.7", "5.4.1", "5.4.14", "5.2.2", "S3150",
    # Yahoo and AOL
    "TSS04", "TSS09", "PH01",
]

CLIENT_CODES = [
    "0x800CCC0E", "0x800CCC0F", "0x800CCC13", "0x800CCC67", "0x800CCC78", "0x800CCC79", "0x800CCC7D",
    "0x800CCC90", "0x800CCC92", "0x8004210B", "0x80042108", "0x80042109",
    "10013", "10051", "10053", "10054", "10060", "10061", "11001", "11004",
    "EAUTH", "ECONNECTION", "ETIMEDOUT", "ESOCKET", "EENVELOPE",
    "SMTPAuthenticationError", "SMTPConnectError", "SMTPServerDisconnected", "SMTPRecipientsRefused",
    "SMTPSenderRefused", "SMTPDataError", "SMTPHeloError", "SMTPNotSupportedError",
]

INTERNAL_LINK = re.compile(r"\]\((/[^)\s#]*)(?:#[^)\s]*)?\)")


@cache
def kb():
    return read_all()


@cache
def codes_by_text():
    found = {}
    for row in kb().codes:
        found.setdefault(row["code"].upper(), []).append(row)
    return found


def published_articles():
    return [a for a in kb().articles if a["status"] == "published"]


@pytest.mark.parametrize("code", REPLY_CODES + ENHANCED_CODES + PROVIDER_CODES + CLIENT_CODES)
def test_every_listed_code_has_a_page_with_a_meaning(code):
    rows = codes_by_text().get(code.upper())
    assert rows, f"no ErrorCode for {code}"
    assert all(len(row["meaning"]) > 20 for row in rows), f"{code} has no real meaning"


def test_codes_are_unique_per_kind_and_use_known_reasons_and_articles():
    slugs = {a["slug"] for a in kb().articles}
    seen = set()
    for row in kb().codes:
        key = (row["kind"], row["code"])
        assert key not in seen, f"duplicate code {key}"
        seen.add(key)
        assert row["reason"] in REASONS, f"{key}: unknown reason {row['reason']}"
        assert set(row["articles"]) <= slugs, f"{key}: unknown articles {set(row['articles']) - slugs}"
        assert re.fullmatch(r"[A-Za-z0-9._-]+", row["code"]), f"{key}: code cannot be a URL path segment"


def test_symptoms_have_unique_keys_known_reasons_articles_codes_and_examples():
    slugs = {a["slug"] for a in published_articles()}
    keys = set()
    for symptom in kb().symptoms:
        assert symptom["key"] not in keys, f"duplicate symptom key {symptom['key']}"
        keys.add(symptom["key"])
        assert symptom["reason"] in REASONS, symptom["key"]
        assert symptom["article"] in slugs, f"{symptom['key']}: unknown article {symptom['article']}"
        assert symptom["examples"], f"{symptom['key']} has no example paste"
        unknown = [c for c in symptom["codes"] if c.upper() not in codes_by_text()]
        assert not unknown, f"{symptom['key']}: codes without an ErrorCode: {unknown}"
        for phrase in symptom["phrases"]:
            assert phrase.count("*") <= 1 and phrase == phrase.lower(), f"{symptom['key']}: {phrase!r}"


@pytest.mark.parametrize("article", published_articles(), ids=lambda a: a["slug"])
def test_every_published_article_has_a_summary_a_reason_and_numbered_steps(article):
    assert 20 <= len(article["summary"]) <= 300
    assert article["reason"] in REASONS
    assert re.search(r"^\s*1\. \S", article["body"], re.MULTILINE), "no numbered steps"
    assert "## What happened" in article["body"]


@pytest.mark.parametrize("article", published_articles(), ids=lambda a: a["slug"])
def test_no_link_inside_an_article_is_broken(article):
    published = {a["slug"] for a in published_articles()}
    for path in INTERNAL_LINK.findall(article["body"]):
        if path.startswith("/articles/"):
            slug = path.removeprefix("/articles/").strip("/")
            assert slug in published, f"{article['slug']} links to missing article {path}"
        elif path.startswith("/codes/"):
            code = path.removeprefix("/codes/").strip("/")
            assert code.upper() in codes_by_text(), f"{article['slug']} links to missing code {path}"
        elif path.startswith("/reasons/"):
            assert path.removeprefix("/reasons/").strip("/") in REASONS
        else:
            assert path in ("/", "/codes/"), f"{article['slug']} links to unknown page {path}"
    for slug in article["related"]:
        assert slug in published, f"{article['slug']}: related article {slug} is missing"


def test_there_is_an_article_for_every_reason_real_bounces_show(corpus_dir):
    reasons = set()
    for line in (corpus_dir / "labels.jsonl").read_text().splitlines():
        reasons |= {e["reason"] for e in json.loads(line)["expected"]}
    covered = {a["reason"] for a in published_articles()}
    missing = reasons - covered - {"onhold"}
    assert not missing, f"no article for {sorted(missing)}"


def test_every_reason_has_symptoms_when_real_bounces_show_it(corpus_dir):
    reasons = set()
    for line in (corpus_dir / "labels.jsonl").read_text().splitlines():
        reasons |= {e["reason"] for e in json.loads(line)["expected"]}
    covered = {s["reason"] for s in kb().symptoms}
    missing = reasons - covered - {"onhold", "undefined"}
    assert not missing, f"no symptom for {sorted(missing)}"
