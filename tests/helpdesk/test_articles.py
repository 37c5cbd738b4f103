import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from rencai.helpdesk.models import Article
from rencai.helpdesk.reference import DATA, articles_load
from tests.audit.admin_forms import form_data, superuser_client

SEED = Path(settings.BASE_DIR).parent / "shared" / "seed" / "000_d7a90972dc106fd5.txt"


@pytest.fixture
def articles(reference_data):
    articles_load()


@pytest.mark.django_db
def test_articles_load_is_idempotent():
    first = articles_load()
    snapshot = list(Article.objects.values_list("slug", "section", "number", "question", "answer"))
    second = articles_load()
    assert (
        list(Article.objects.values_list("slug", "section", "number", "question", "answer"))
        == snapshot
    )
    # 28 from the seed, plus the after-card article its own data migration adds
    assert "28 in seed, 29 stored (+28" in first
    assert "(+0, ~0, 0 kept" in second


@pytest.mark.django_db
def test_every_seed_question_is_an_article():
    articles_load()
    seeded = Article.objects.exclude(slug="after-card")  # added by helpdesk/0002, not the seed
    counts = {s: seeded.filter(section=s).count() for s in (1, 2, 3)}
    assert counts == {1: 20, 2: 6, 3: 2}
    if not SEED.exists():
        pytest.skip("the original seed is not in this checkout")
    seed = SEED.read_text(encoding="utf-8")
    for article in seeded:
        assert article.answer, article.slug
        assert "[bookmark" not in article.answer and "[image" not in article.answer
        # the first sentence of every answer comes verbatim from the seed
        first = re.split(r"[。；\n]", article.answer.replace("[[directory]]", ""))[0][:20]
        assert first in seed, article.slug


@pytest.mark.django_db
def test_cleaned_copy_is_shipped_without_markers():
    text = (DATA / "faq.txt").read_text(encoding="utf-8")
    assert "[bookmark" not in text and "[image" not in text
    assert text.count("[[directory]]") == 2  # 一.3 and 二.2 embed the office table
    assert "37631711" not in text  # the table itself is not duplicated


@pytest.mark.django_db
def test_admin_edit_is_kept_by_the_loader():
    articles_load()
    Article.objects.filter(slug="rare-characters").update(answer="后台改过", customised=True)
    articles_load()
    assert Article.objects.get(slug="rare-characters").answer == "后台改过"


def test_article_urls_are_stable(articles, client):
    assert (
        reverse("helpdesk:article", kwargs={"slug": "rare-characters"})
        == "/help/a/rare-characters/"
    )
    response = client.get("/help/a/rare-characters/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "个人填写信息中存在生僻字" in body
    assert "请使用同音字或拼音代替" in body
    assert "在Rencai中" in body and "按输入原样保存" in body
    assert client.get("/help/a/unit-code-lost/").content.decode().count("IE") >= 1
    assert "无需IE浏览器" in client.get("/help/a/unit-code-lost/").content.decode()


def test_unknown_article_is_404(articles, client):
    assert client.get("/help/a/no-such-article/").status_code == 404
    Article.objects.filter(slug="rare-characters").update(published=False)
    assert client.get("/help/a/rare-characters/").status_code == 404


def test_answers_are_escaped_and_links_are_made(articles, client):
    Article.objects.filter(slug="status-blank").update(
        answer="<script>alert(1)</script> 见 https://example.org/x?a=1）页面 或邮件 a.b@gz.gov.cn。"
    )
    body = client.get("/help/a/status-blank/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body
    assert '<a href="https://example.org/x?a=1" rel="noopener noreferrer external">' in body
    assert '<a href="mailto:a.b@gz.gov.cn">' in body


def test_article_with_office_table_links_to_directory(articles, client):
    body = client.get("/help/a/reapplication-blocked/").content.decode()
    assert reverse("helpdesk:directory") in body
    assert 'href="tel:02037631711"' in body  # included from the Office table, not the seed text
    assert "[[directory]]" not in body


def test_index_lists_sections_and_all_articles(articles, client):
    body = client.get(reverse("helpdesk:index")).content.decode()
    for label in (
        "一、个人账号申办常见问题",
        "二、法人单位申报及确认常见问题",
        "三、微信端申报常见问题",
    ):
        assert label in body
    for slug in Article.objects.values_list("slug", flat=True):
        assert f"/help/a/{slug}/" in body


def test_search_two_character_substring(articles, client):
    body = client.get(reverse("helpdesk:index"), {"q": "生僻"}).content.decode()
    assert "“生僻”的搜索结果" in body
    results = body.split("help-results")[1].split("</section>")[0]
    assert "/help/a/rare-characters/" in results
    # answer text is searched too
    results = client.get(reverse("helpdesk:index"), {"q": "公示"}).content.decode()
    assert (
        "/help/a/card-not-downloadable/" in results.split("help-results")[1].split("</section>")[0]
    )


def test_search_without_results_and_too_short(articles, client):
    body = client.get(reverse("helpdesk:index"), {"q": "火星移民"}).content.decode()
    assert "没有找到相关问题" in body
    body = client.get(reverse("helpdesk:index"), {"q": "卡"}).content.decode()
    assert "请至少输入2个字" in body


def test_not_handled_page(articles, client):
    response = client.get(reverse("helpdesk:not_handled"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "积分入户" in body
    assert "广东省人力资源和社会保障厅人才引进入户申办系统" in body
    assert "/help/a/points-based-hukou/" in body and "/help/a/provincial-system/" in body


def test_search_query_is_escaped(articles, client):
    body = client.get(reverse("helpdesk:index"), {"q": "<b>生僻"}).content.decode()
    assert "<b>生僻" not in body and "&lt;b&gt;生僻" in body


def test_article_edited_through_the_admin_survives_loaddata_reference(reference_data, client):
    articles_load()
    admin_client = superuser_client(client)
    article = Article.objects.get(slug="rare-characters")
    url = reverse("admin:helpdesk_article_change", args=[article.pk])
    data = form_data(admin_client.get(url).content.decode(), "article_form")
    assert "customised" not in data  # the box is unchecked before the edit
    data["answer"] = "后台修改过的回答。\n第二段。"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert article.customised  # set by ArticleAdmin.save_model

    out = StringIO()
    call_command("loaddata_reference", stdout=out)
    article.refresh_from_db()
    assert (
        article.answer == "后台修改过的回答。\r\n第二段。"
        or article.answer == "后台修改过的回答。\n第二段。"
    )
    assert "1 kept as edited" in out.getvalue()
    assert "后台修改过的回答" in client.get("/help/a/rare-characters/").content.decode()


def test_publishing_toggle_alone_does_not_freeze_an_article(reference_data, client):
    articles_load()
    admin_client = superuser_client(client)
    article = Article.objects.get(slug="rare-characters")
    url = reverse("admin:helpdesk_article_change", args=[article.pk])
    data = form_data(admin_client.get(url).content.decode(), "article_form")
    del data["published"]
    assert admin_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert not article.published and not article.customised
