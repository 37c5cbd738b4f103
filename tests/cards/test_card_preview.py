"""The card as an inline page + PNG for WeChat's in-app browser (which often refuses an
attachment download): same access as the download, the PNG is the card itself (its QR
code decodes to the verification link), the PDF download stays as it was."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from django.urls import reverse
from PIL import Image

from rencai.audit.models import AuditEvent
from rencai.cards.services import card_issue
from rencai.cards.tokens import card_number_from_token
from tests.cases.factories import build_world, new_case, person


@pytest.fixture
def card(db):
    world = build_world()
    case = new_case(world)
    card = card_issue(
        case=case,
        holder_name="王𠇔",
        id_number_masked=world.applicant.id_number_masked,
        employer=world.private.name,
        category="学历（本科）",
        issuing_office="广州市天河区人力资源和社会保障局",
    )
    card.applicant = world.applicant
    return card


def test_applicant_sees_the_card_inline_with_the_download_beside_it(client, card):
    client.force_login(card.applicant)
    page = client.get(reverse("cards:preview", args=[card.number]))
    assert page.status_code == 200
    html = page.content.decode()
    png_url = reverse("cards:preview_png", args=[card.number])
    assert f'src="{png_url}"' in html
    assert f'href="{reverse("cards:download", args=[card.number])}"' in html
    assert "长按上方图片" in html and "在浏览器打开" in html
    assert page["Cache-Control"] == "private, no-store"

    image = client.get(png_url)
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert image["Content-Disposition"].startswith("inline")  # shown, not downloaded
    png = Image.open(io.BytesIO(image.content))
    assert png.format == "PNG" and png.size[0] > 1000 and png.size[0] > png.size[1]
    decoded = [result.text for result in zxingcpp.read_barcodes(png)]
    assert len(decoded) == 1
    token = decoded[0].rstrip("/").rsplit("/", 1)[1]
    assert card_number_from_token(token) == card.number
    assert AuditEvent.objects.filter(event="card.preview", object_id=str(card.pk)).count() == 1

    # The download itself is unchanged: an attachment.
    download = client.get(reverse("cards:download", args=[card.number]))
    assert download["Content-Disposition"].startswith("attachment")


def test_case_page_links_to_the_preview(client, card):
    client.force_login(card.applicant)
    html = client.get(reverse("cases:detail", args=[card.case.number])).content.decode()
    assert f'href="{reverse("cards:preview", args=[card.number])}"' in html


def test_preview_has_the_download_access_rules(client, card):
    for name in ("cards:preview", "cards:preview_png"):
        url = reverse(name, args=[card.number])
        assert client.get(url).status_code == 302  # anonymous: to the login page
        client.force_login(person("路人"))
        assert client.get(url).status_code == 404
        client.logout()
