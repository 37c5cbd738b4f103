"""Browser: the TOTP enrolment page shows a QR code that a phone can scan. On main the
data: URI held segno's svg_inline() output (no xmlns), so Chromium drew a broken image."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest
import zxingcpp
from PIL import Image

from tests.e2e.helpers import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_enrolment_qr_renders_and_decodes_to_the_secret(mobile_page, live_server):
    from tests.cases.factories import build_world

    world = build_world()
    official, _acting = world.officials["district-440106"]
    official.set_password("Pw@123456")
    official.totp_secret = ""
    official.save()
    page = mobile_page
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", official.login_name)
    page.fill("#id_password", "Pw@123456")
    page.click("form button[type=submit]:has-text('登录')")
    page.wait_for_url("**/office/2fa/enrol/**")

    image = page.locator(".totp-qr img")
    image.wait_for()
    # A broken image has no intrinsic size; a drawn SVG has one.
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    screenshot(page, "experience-totp-enrol-375.png")
    png = Image.open(io.BytesIO(image.screenshot()))
    decoded = [result.text for result in zxingcpp.read_barcodes(png)]
    assert len(decoded) == 1, decoded
    uri = urlparse(decoded[0])
    assert uri.scheme == "otpauth" and uri.netloc == "totp"
    secret = page.locator(".totp-secret").inner_text().strip()
    assert parse_qs(uri.query)["secret"] == [secret]
    assert uri.path.endswith(":" + official.login_name)

    # The scanned secret works: the authenticator's code completes the enrolment.
    page.fill("#id_code", pyotp.TOTP(parse_qs(uri.query)["secret"][0]).now())
    page.click("form button[type=submit]:has-text('绑定')")
    page.wait_for_url("**/office/**")
    official.refresh_from_db()
    assert official.totp_secret == secret
