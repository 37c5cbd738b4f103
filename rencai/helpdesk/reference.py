"""Help articles from the cleaned copy of the seed FAQ (data/faq.txt), the In-Rencai notes
(data/notes.json) and their English (data/faq_en.json, issue #11), all keyed by article slug."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from rencai.helpdesk.models import Article
from rencai.reference.services import dataset_record, files_sha256

DATA = Path(__file__).parent / "data"
DATASET = "helpdesk.articles"
_SECTION = re.compile(r"^## (\d) ")
_QUESTION = re.compile(r"^### (\d+) ([a-z0-9-]+) \| (.+)$")


@dataclass
class ParsedArticle:
    section: int
    number: int
    slug: str
    question: str
    answer: str


def faq_parse(text: str) -> list[ParsedArticle]:
    articles: list[ParsedArticle] = []
    section = 0
    lines: list[str] = []

    def flush():
        body = "\n".join(lines).strip()
        if articles and body:
            articles[-1].answer = body.removeprefix("答：").strip()
        lines.clear()

    for line in text.splitlines():
        if m := _SECTION.match(line):
            flush()
            section = int(m.group(1))
        elif m := _QUESTION.match(line):
            flush()
            articles.append(ParsedArticle(section, int(m.group(1)), m.group(2), m.group(3), ""))
        elif articles and not line.startswith("# "):
            lines.append(line)
    flush()
    return articles


@transaction.atomic
def articles_load() -> str:
    parsed = faq_parse((DATA / "faq.txt").read_text(encoding="utf-8"))
    notes = json.loads((DATA / "notes.json").read_text(encoding="utf-8"))
    english = json.loads((DATA / "faq_en.json").read_text(encoding="utf-8"))
    existing = {a.slug: a for a in Article.objects.all()}
    created = updated = kept = 0
    for item in parsed:
        en = english.get(item.slug, {})
        values = {
            "section": item.section,
            "number": item.number,
            "question": item.question,
            "answer": item.answer,
            "rencai_note": notes.get(item.slug, ""),
            "question_en": en.get("question", ""),
            "answer_en": "\n".join(en.get("answer", [])),
            "rencai_note_en": en.get("note", ""),
            "sort": item.number,
        }
        article = existing.get(item.slug)
        if article is None:
            Article.objects.create(slug=item.slug, **values)
            created += 1
        elif article.customised:
            kept += 1  # edited in the admin: the admin's text wins
        elif any(getattr(article, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(article, k, v)
            article.save()
            updated += 1
    version = dataset_record(
        name=DATASET,
        sha256=files_sha256([DATA / "faq.txt", DATA / "notes.json", DATA / "faq_en.json"]),
        rows=len(parsed),
        source="智慧人才家园常见问题（data/faq.txt）、「在Rencai中」说明（data/notes.json）及英文译文（data/faq_en.json）",
    )
    return (
        f"help articles: {len(parsed)} in seed, {Article.objects.count()} stored "
        f"(+{created}, ~{updated}, {kept} kept as edited); {version}"
    )
