"""Share and install metadata over HTTP: /favicon.ico is a real icon (404 on main), every
page carries a description and og: share tags (WeChat reads them) whose image resolves, and
the web manifest is served with icons that resolve."""

from __future__ import annotations

import io
import json
import re
from urllib.parse import urljoin, urlparse

import pytest
from PIL import Image


def _meta(html: str, attr: str, name: str) -> str:
    match = re.search(rf'<meta {attr}="{re.escape(name)}" content="([^"]*)">', html)
    assert match, name
    return match.group(1)


def test_favicon_is_a_real_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    icon = Image.open(io.BytesIO(response.content))
    assert icon.format == "ICO"
    assert {(16, 16), (32, 32)} <= set(icon.info["sizes"])


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/help/", "/accounts/login/"])
def test_pages_carry_description_and_share_metadata(client, path):
    html = client.get(path).content.decode()
    assert "人才引进入户" in _meta(html, "name", "description")
    assert _meta(html, "property", "og:title")
    assert _meta(html, "property", "og:description")
    image = _meta(html, "property", "og:image")
    parsed = urlparse(image)
    assert parsed.scheme == "http" and parsed.netloc == "testserver"  # absolute, as WeChat wants
    served = client.get(parsed.path)
    assert served.status_code == 200
    assert Image.open(io.BytesIO(b"".join(served.streaming_content))).size == (512, 512)
    assert '<link rel="icon" href="/favicon.ico"' in html


@pytest.mark.django_db
def test_manifest_is_served_and_its_icons_resolve(client):
    html = client.get("/").content.decode()
    href = re.search(r'<link rel="manifest" href="([^"]+)">', html).group(1)
    response = client.get(href)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    sizes = set()
    for icon in manifest["icons"]:
        served = client.get(urljoin(href, icon["src"]))
        assert served.status_code == 200, icon
        image = Image.open(io.BytesIO(b"".join(served.streaming_content)))
        assert f"{image.size[0]}x{image.size[1]}" == icon["sizes"]
        sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes
