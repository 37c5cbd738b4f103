"""Issue #11: with the whole FAQ loaded, the help centre reads in English when English is
chosen (questions, answers and In Rencai notes from data/faq_en.json), and the Chinese
pages are what they were."""

import json
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils.html import escape

from rencai.helpdesk.models import Article
from rencai.helpdesk.reference import DATA, articles_load, faq_parse
from rencai.orgs.models import District, Office
from tests.cases.test_english_pages import FULL_WIDTH, HAN, LANGUAGE_NAMES, _Text

#: Proper names the English text keeps in Chinese, once, beside their English form: the
#: old platform's name and the WeChat account to search for.
PROPER_NAMES = {"智慧人才家园", "广州人社"}


def _english() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _left(html: str) -> list[str]:
    """Han runs and full-width punctuation outside the allowed names."""
    parser = _Text()
    parser.feed(html)
    text = "\n".join(parser.parts)
    # the office table embedded in 一.3 and 二.2: offices' and districts' own names
    names = set(Office.objects.values_list("name", flat=True))
    names |= {n for n in Office.objects.values_list("short_name", flat=True) if n}
    names |= set(District.objects.values_list("name", flat=True))
    for name in sorted(names | PROPER_NAMES | LANGUAGE_NAMES, key=len, reverse=True):
        text = text.replace(name, " ")
    flat = " ".join(text.split())
    marks = {flat[max(0, m.start() - 8) : m.end() + 8] for m in FULL_WIDTH.finditer(flat)}
    return sorted({m.group(0) for m in HAN.finditer(text)} | marks)


def _seed_slugs() -> list[str]:
    return [a.slug for a in faq_parse((DATA / "faq.txt").read_text(encoding="utf-8"))]


def test_every_article_has_english_and_every_note_too():
    english = json.loads((DATA / "faq_en.json").read_text(encoding="utf-8"))
    notes = json.loads((DATA / "notes.json").read_text(encoding="utf-8"))
    slugs = _seed_slugs()
    assert sorted(k for k in english if not k.startswith("_")) == sorted(slugs)
    for slug in slugs:
        item = english[slug]
        assert item["question"] and item["answer"], slug
        assert bool(item.get("note")) == bool(notes.get(slug)), slug
        for text in [item["question"], *item["answer"], item.get("note", "")]:
            left = HAN.sub(lambda m: "" if m.group(0) in PROPER_NAMES else m.group(0), text)
            assert not HAN.search(left) and not FULL_WIDTH.search(text), (slug, text)
    # each proper name at most once per article
    for slug in slugs:
        blob = json.dumps(english[slug], ensure_ascii=False)
        assert all(blob.count(name) <= 1 for name in PROPER_NAMES), slug


@pytest.mark.django_db
def test_english_answers_keep_the_office_table_where_the_chinese_has_it():
    articles_load()
    for article in Article.objects.exclude(slug="after-card"):
        assert (article.answer.count("[[directory]]")) == article.answer_en.count(
            "[[directory]]"
        ), article.slug
        # URLs and e-mail addresses are the same in both languages
        links = re.compile(r"https?://[A-Za-z0-9./_-]+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+\.[a-z]+")
        assert sorted(set(links.findall(article.answer))) == sorted(
            set(links.findall(article.answer_en))
        ), article.slug


def test_the_whole_faq_reads_in_english(reference_data):
    articles_load()
    client = _english()
    found = {}
    slugs = list(Article.objects.values_list("slug", flat=True))
    assert len(slugs) == 29  # the seed's 28 and the after-card article
    for url in ["/help/", *(f"/help/a/{slug}/" for slug in slugs)]:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert '<html lang="en">' in html, url
        if left := _left(html):
            found[url] = left
    assert found == {}, found
    body = client.get("/help/").content.decode()
    assert "How do I register a personal account?" in body
    assert "My personal details contain a rare Chinese character." in body
    note = client.get("/help/a/rare-characters/").content.decode()
    assert "Rare characters are stored and shown exactly as entered" in note
    assert note.count("In Rencai") == 1  # the heading, not twice
    table = client.get("/help/a/reapplication-blocked/").content.decode()
    assert 'href="tel:02037631711"' in table  # the office table is still inserted


def test_chinese_pages_are_unchanged(reference_data, client):
    articles_load()
    for article in Article.objects.exclude(slug="after-card"):
        body = client.get(article.get_absolute_url()).content.decode()
        assert '<html lang="zh-Hans">' in body
        assert escape(article.question) in body, article.slug
        assert escape(article.answer.splitlines()[0][:15]) in body, article.slug
        assert article.answer_en.splitlines()[0][:30] not in body, article.slug
        if article.rencai_note:
            assert "In Rencai</span>" in body
            assert article.rencai_note_en[:30] not in body, article.slug
    body = client.get("/help/").content.decode()
    assert "如何注册个人账号？" in body and "How do I register" not in body


def test_english_search_finds_english_text(reference_data):
    articles_load()
    client = _english()
    body = client.get("/help/", {"q": "rare Chinese character"}).content.decode()
    results = body.split("help-results")[1].split("</section>")[0]
    assert "/help/a/rare-characters/" in results
    assert "My personal details contain a rare Chinese character." in results


@pytest.mark.django_db
def test_english_is_reloaded_but_an_admin_edit_is_kept():
    articles_load()
    Article.objects.filter(slug="status-blank").update(question_en="stale")
    Article.objects.filter(slug="rare-characters").update(
        answer_en="Edited in the admin.", customised=True
    )
    out = articles_load()
    assert "~1, 1 kept" in out
    assert Article.objects.get(slug="status-blank").question_en.startswith("After I log in")
    assert Article.objects.get(slug="rare-characters").answer_en == "Edited in the admin."
    assert "(+0, ~0, 1 kept" in articles_load()  # idempotent
