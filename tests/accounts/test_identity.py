from __future__ import annotations

import pytest
from django.urls import reverse

from rencai.accounts import identity

LOGIN = reverse("accounts:login")
CONFIGURED = {
    "issuer": "https://id.example.test/realms/rencai",
    "client_id": "rencai",
    "client_secret": "s3cret",
    "label": "微警认证（刷脸登录）",
}


@pytest.mark.django_db
def test_hidden_when_not_configured(client, settings):
    settings.RENCAI_OIDC = {
        "issuer": "",
        "client_id": "",
        "client_secret": "",
        "label": "微警认证（刷脸登录）",
    }
    html = client.get(LOGIN).content.decode()
    assert "微警认证" not in html
    assert client.get(reverse("accounts:identity_start", args=["oidc"])).status_code == 404
    assert client.get(reverse("accounts:identity_callback", args=["oidc"])).status_code == 404


@pytest.mark.django_db
def test_shown_when_configured(client, settings):
    settings.RENCAI_OIDC = CONFIGURED
    html = client.get(LOGIN).content.decode()
    assert "微警认证（刷脸登录）" in html
    assert reverse("accounts:identity_start", args=["oidc"]) in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["", "?code=abc", "?code=abc&state=forged", "?error=access_denied&state=x"]
)
def test_callback_with_bad_state_is_refused(client, settings, query):
    settings.RENCAI_OIDC = CONFIGURED
    r = client.get(reverse("accounts:identity_callback", args=["oidc"]) + query)
    assert r.status_code == 400
    assert "认证未完成" in r.content.decode()


@pytest.mark.django_db
def test_unknown_provider_is_404(client, settings):
    settings.RENCAI_OIDC = CONFIGURED
    assert client.get(reverse("accounts:identity_start", args=["nope"])).status_code == 404


def test_registry(settings):
    settings.RENCAI_OIDC = CONFIGURED
    assert [p.name for p in identity.configured_providers()] == ["oidc"]
    assert identity.provider("oidc").check() == []
    settings.RENCAI_OIDC = {"issuer": "https://x.test", "client_id": ""}
    assert identity.configured_providers() == []
    assert identity.provider("oidc").check() == ["RENCAI_OIDC_CLIENT_ID is not set"]


@pytest.mark.django_db
def test_start_redirects_with_pkce_state_and_nonce(client, settings, monkeypatch):
    """Discovery is faked at its boundary (the metadata fetch); the redirect is Authlib's."""
    from authlib.integrations.django_client import DjangoOAuth2App

    settings.RENCAI_OIDC = CONFIGURED
    metadata = {
        "issuer": CONFIGURED["issuer"],
        "authorization_endpoint": CONFIGURED["issuer"] + "/auth",
        "token_endpoint": CONFIGURED["issuer"] + "/token",
        "jwks_uri": CONFIGURED["issuer"] + "/certs",
    }
    monkeypatch.setattr(DjangoOAuth2App, "load_server_metadata", lambda self: metadata)
    r = client.get(reverse("accounts:identity_start", args=["oidc"]))
    assert r.status_code == 302
    url = r.url
    assert url.startswith(metadata["authorization_endpoint"])
    for part in (
        "code_challenge=",
        "code_challenge_method=S256",
        "state=",
        "nonce=",
        "response_type=code",
    ):
        assert part in url
    assert any(k.startswith("_state_rencai_oidc_") for k, _v in client.session.items())


@pytest.mark.django_db
def test_callback_links_by_id_number_then_by_subject(client, settings, monkeypatch, user):
    """finish() is faked: the claims as a verified ID token would give them."""
    settings.RENCAI_OIDC = CONFIGURED
    claims = {"sub": "abc-123", "iss": CONFIGURED["issuer"], "id_number": user.reveal_id_number()}
    monkeypatch.setattr(
        identity.OpenIDConnectProvider, "finish", lambda self, request: dict(claims)
    )
    cb = reverse("accounts:identity_callback", args=["oidc"])
    r = client.get(cb + "?state=x&code=y")
    assert r.status_code == 302 and r.url == reverse("accounts:dashboard")
    link = user.external_identities.get()
    assert (link.issuer, link.subject) == (CONFIGURED["issuer"], "abc-123")
    client.post(reverse("accounts:logout"))
    claims.pop("id_number")
    assert client.get(cb + "?state=x&code=y").status_code == 302
    assert client.get(reverse("accounts:dashboard")).context["user"] == user
    client.post(reverse("accounts:logout"))
    claims["sub"] = "someone-else"
    r = client.get(cb + "?state=x&code=y")
    assert r.status_code == 302 and r.url == reverse("accounts:register")
