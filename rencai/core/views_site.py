"""Files browsers and WeChat ask for at the site root: /favicon.ico (404 before) and the
web manifest (served here so its names are translated and its icon URLs are the static
storage's, hashed in production)."""

import json
from functools import cache
from pathlib import Path

from django.http import HttpResponse
from django.templatetags.static import static
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

FAVICON = Path(__file__).resolve().parents[1] / "static" / "rencai" / "icons" / "favicon.ico"


@cache
def _favicon() -> bytes:
    return FAVICON.read_bytes()


@require_GET
def favicon(request):
    response = HttpResponse(_favicon(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=604800"
    return response


@require_GET
def web_manifest(request):
    icons = [
        {"src": static(f"rencai/icons/icon-{size}.png"), "sizes": f"{size}x{size}",
         "type": "image/png"}
        for size in (192, 512)
    ] + [
        {"src": static(f"rencai/icons/icon-maskable-{size}.png"), "sizes": f"{size}x{size}",
         "type": "image/png", "purpose": "maskable"}
        for size in (192, 512)
    ]  # fmt: skip
    manifest = {
        "name": _("人才引进入户申办") + " · Rencai",
        "short_name": _("人才入户"),
        "description": _("广州市人才引进入户网上申办：申请、进度查询、入户卡下载与核验。"),
        "lang": "en" if get_language() == "en" else "zh-Hans",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f6f7f9",
        "theme_color": "#b3261e",
        "icons": icons,
    }
    response = HttpResponse(
        json.dumps(manifest, ensure_ascii=False), content_type="application/manifest+json"
    )
    response["Cache-Control"] = "public, max-age=3600"
    response["Vary"] = "Cookie, Accept-Language"
    return response
