"""Read the shipped knowledge base files in fixtures/ into plain dicts.

No Django here: `loadkb` writes these into the database, and tools and tests
that need no database (the engine's evaluation, the fixture checks) build a
KnowledgeSpec from them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb.diagnosis.knowledge import ArticleSpec, CodeSpec, KnowledgeSpec, SymptomSpec

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"

ARTICLE_FIELDS = ("title", "summary", "reason", "status", "side", "related")
CODE_KINDS = ("reply", "enhanced", "vendor")


class KBFileError(ValueError):
    """A fixture file is malformed; the message names the file."""


@dataclass
class KBFiles:
    articles: list[dict] = field(default_factory=list)
    codes: list[dict] = field(default_factory=list)
    symptoms: list[dict] = field(default_factory=list)


def split_front_matter(text: str, name: str) -> tuple[dict, str]:
    if not text.startswith("---"):
        raise KBFileError(f"{name}: missing the '---' header")
    parts = text.split("\n---", 1)
    if len(parts) != 2:
        raise KBFileError(f"{name}: the header is not closed with '---'")
    header = yaml.safe_load(parts[0].lstrip("-\n")) or {}
    if not isinstance(header, dict):
        raise KBFileError(f"{name}: the header is not a mapping")
    body = parts[1].lstrip("-").lstrip("\n")
    return header, body


def read_article(path: Path) -> dict:
    header, body = split_front_matter(path.read_text(encoding="utf-8"), path.name)
    missing = [key for key in ("title", "summary", "reason") if not header.get(key)]
    if missing:
        raise KBFileError(f"{path.name}: header lacks {', '.join(missing)}")
    return {
        "slug": path.stem,
        "title": str(header["title"]).strip(),
        "summary": str(header["summary"]).strip(),
        "reason": str(header["reason"]).strip(),
        "status": str(header.get("status") or "published").strip(),
        "side": str(header.get("side") or "").strip(),
        "related": [str(s) for s in header.get("related") or []],
        "body": body.strip() + "\n",
    }


def _read_yaml_list(path: Path) -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise KBFileError(f"{path.name}: expected a list of mappings")
    return data


def normalise_code(code: object) -> str:
    text = str(code).strip()
    if text.lower().startswith("0x"):
        return "0x" + text[2:].upper()
    return text


def read_codes(path: Path) -> list[dict]:
    rows = []
    for item in _read_yaml_list(path):
        if "code" not in item or item.get("kind") not in CODE_KINDS:
            raise KBFileError(f"{path.name}: each code needs 'code' and a 'kind' of {CODE_KINDS}: {item!r}")
        rows.append(
            {
                "code": normalise_code(item["code"]),
                "kind": item["kind"],
                "title": str(item.get("title") or "").strip(),
                "meaning": str(item.get("meaning") or "").strip(),
                "temporary": item.get("temporary"),
                "side": str(item.get("side") or "").strip(),
                "retry": str(item.get("retry") or "").strip(),
                "reason": str(item.get("reason") or "undefined").strip(),
                "provider": str(item.get("provider") or "").strip(),
                "articles": [str(s) for s in item.get("articles") or []],
                "variants": [_read_variant(v, path) for v in item.get("variants") or []],
            }
        )
    return rows


def _read_variant(item: object, path: Path) -> dict:
    if not isinstance(item, dict) or not item.get("provider") or not item.get("meaning"):
        raise KBFileError(f"{path.name}: a variant needs 'provider' and 'meaning': {item!r}")
    return {
        "provider": str(item["provider"]).strip(),
        "meaning": str(item["meaning"]).strip(),
        "reason": str(item.get("reason") or "undefined").strip(),
        "articles": [str(s) for s in item.get("articles") or []],
    }


def read_symptoms(path: Path) -> list[dict]:
    rows = []
    for item in _read_yaml_list(path):
        for key in ("key", "name", "reason", "phrases"):
            if not item.get(key):
                raise KBFileError(f"{path.name}: symptom lacks '{key}': {item.get('key')!r}")
        for field_name in ("phrases", "examples"):
            for value in item.get(field_name) or []:
                if not isinstance(value, (str, int, float)):
                    # "- text: more" without quotes is a YAML mapping, not the phrase
                    raise KBFileError(f"{path.name}: symptom {item.get('key')!r} has a {field_name[:-1]} that is not "
                                      f"plain text ({value!r}); put it in quotes")
        rows.append(
            {
                "key": str(item["key"]).strip(),
                "name": str(item["name"]).strip(),
                "reason": str(item["reason"]).strip(),
                "provider": str(item.get("provider") or "").strip(),
                "article": (str(item["article"]).strip() if item.get("article") else None),
                "weight": float(item.get("weight") or 1.0),
                "codes": [normalise_code(c) for c in item.get("codes") or []],
                "phrases": [str(p).strip() for p in item["phrases"] if str(p).strip()],
                "examples": [str(e).strip() for e in item.get("examples") or [] if str(e).strip()],
            }
        )
    return rows


def read_all(root: Path = FIXTURES_DIR) -> KBFiles:
    files = KBFiles()
    for path in sorted((root / "articles").glob("*.md")):
        files.articles.append(read_article(path))
    for path in sorted((root / "codes").glob("*.yaml")):
        files.codes.extend(read_codes(path))
    for path in sorted((root / "symptoms").glob("*.yaml")):
        files.symptoms.extend(read_symptoms(path))
    return files


def spec_from_files(files: KBFiles | None = None) -> KnowledgeSpec:
    """A KnowledgeSpec straight from the fixture files (no database)."""
    files = files or read_all()
    published = [a for a in files.articles if a["status"] == "published"]
    return KnowledgeSpec(
        articles=tuple(
            ArticleSpec(
                slug=a["slug"], title=a["title"], reason=a["reason"], summary=a["summary"],
                url=f"/articles/{a['slug']}/",
            )
            for a in published
        ),
        codes=tuple(
            CodeSpec(
                code=c["code"], kind=c["kind"], reason=c["reason"], title=c["title"],
                temporary=c["temporary"], provider=c["provider"], articles=tuple(c["articles"]),
            )
            for c in files.codes
        ),
        symptoms=tuple(
            SymptomSpec(
                key=s["key"], name=s["name"], reason=s["reason"], phrases=tuple(s["phrases"]),
                article=s["article"], provider=s["provider"], weight=s["weight"],
                codes=tuple(s["codes"]), examples=tuple(s["examples"]),
            )
            for s in files.symptoms
        ),
        version="files",
    )
