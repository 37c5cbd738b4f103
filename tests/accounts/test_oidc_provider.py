"""External identity login against a real, certified OpenID provider (panva's oidc-provider).

The provider runs in Node (tests/accounts/oidc_provider, installed by
scripts/ensure-oidc-provider); our client talks to it over real HTTP: discovery, the token
endpoint, JWKS and UserInfo. Only the person's login at the provider is automatic (the
authorization request's login_hint names the account).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from django.urls import reverse

from rencai.accounts import identity
from rencai.accounts.models import ExternalIdentity

PROVIDER_DIR = Path(__file__).parent / "oidc_provider"
CALLBACK = reverse("accounts:identity_callback", args=["oidc"])
START = reverse("accounts:identity_start", args=["oidc"])
CLIENT = {
    "client_id": "rencai",
    "client_secret": "rencai-test-secret",
    "redirect_uris": ["http://testserver" + CALLBACK],
    "grant_types": ["authorization_code"],
    "response_types": ["code"],
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RunningProvider:
    def __init__(self, *, accounts: dict, claims_in_id_token: bool):
        self.port = _free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "PORT": str(self.port),
            "OIDC_CLIENTS": json.dumps([CLIENT]),
            "OIDC_ACCOUNTS": json.dumps(accounts),
            "CLAIMS_IN_ID_TOKEN": "1" if claims_in_id_token else "0",
        }
        self.proc = subprocess.Popen(
            ["node", "provider.mjs"],
            cwd=PROVIDER_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        said = []  # the provider warns first (development keys, Node version), then "ready"
        for line in self.proc.stdout:
            said.append(line)
            if line.startswith("ready"):
                # keep reading what it says, so a full pipe never blocks it
                threading.Thread(target=self.proc.stdout.read, daemon=True).start()
                return
        self.stop()
        raise RuntimeError("OpenID provider did not start: " + "".join(said))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def settings(self, **extra) -> dict:
        return {
            "issuer": self.issuer,
            "client_id": CLIENT["client_id"],
            "client_secret": CLIENT["client_secret"],
            "label": "统一身份认证",
            "scope": "openid profile identity",
            "id_number_claim": "id_number",
            **extra,
        }


@pytest.fixture
def start_provider():
    started: list[RunningProvider] = []

    def start(*, accounts: dict, claims_in_id_token: bool = False) -> RunningProvider:
        provider = RunningProvider(accounts=accounts, claims_in_id_token=claims_in_id_token)
        started.append(provider)
        return provider

    yield start
    for provider in started:
        provider.stop()


def authorize_at_provider(client, provider: RunningProvider, account: str) -> str:
    """Start at our site, let the person log in at the provider; return our callback URL."""
    r = client.get(START)
    assert r.status_code == 302 and r.url.startswith(provider.issuer + "/auth")
    url = r.url + "&login_hint=" + account
    browser = requests.Session()
    for _hop in range(10):
        answer = browser.get(url, allow_redirects=False, timeout=10)
        assert answer.status_code in (302, 303), answer.text[:300]
        url = answer.headers["Location"]
        if url.startswith("/"):
            url = provider.issuer + url
        if url.startswith("http://testserver"):
            parts = urlsplit(url)
            return f"{parts.path}?{parts.query}"
    raise AssertionError("the provider never redirected back")


@pytest.mark.django_db
@pytest.mark.parametrize("claims_in_id_token", [False, True], ids=["userinfo", "id_token"])
def test_existing_user_logs_in_wherever_the_provider_puts_the_claim(
    client, settings, user, start_provider, claims_in_id_token
):
    """Finding 10.10: with the provider's default (claims only from UserInfo) existing users
    were sent to registration, because the client never called UserInfo."""
    provider = start_provider(
        accounts={"alice": {"name": "Alice", "id_number": user.reveal_id_number()}},
        claims_in_id_token=claims_in_id_token,
    )
    settings.RENCAI_OIDC = provider.settings()
    r = client.get(authorize_at_provider(client, provider, "alice"))
    assert r.status_code == 302 and r.url == reverse("accounts:dashboard"), r.content[:500]
    assert client.get(reverse("accounts:dashboard")).context["user"] == user
    link = ExternalIdentity.objects.get(user=user)
    assert (link.issuer, link.subject) == (provider.issuer, "alice")


@pytest.mark.django_db
def test_scope_and_claim_names_come_from_the_configuration(client, settings, user, start_provider):
    provider = start_provider(accounts={"bob": {"sfzh": user.reveal_id_number()}})
    settings.RENCAI_OIDC = provider.settings(id_number_claim="sfzh")
    callback = authorize_at_provider(client, provider, "bob")
    # the provider only releases `sfzh` under a scope we asked for; here none does
    assert client.get(callback).url == reverse("accounts:register")

    from django.test import Client

    other = Client()
    settings.RENCAI_OIDC = provider.settings(id_number_claim="sfzh", scope="openid sfzh")
    r = other.get(START)
    assert "scope=openid+sfzh" in r.url


@pytest.mark.django_db
def test_identities_are_keyed_by_issuer_and_subject(client, settings, user, start_provider):
    """The same `sub` at another issuer is another person (identities were keyed by sub)."""
    first = start_provider(accounts={"alice": {"id_number": user.reveal_id_number()}})
    settings.RENCAI_OIDC = first.settings()
    assert client.get(authorize_at_provider(client, first, "alice")).url == reverse(
        "accounts:dashboard"
    )
    client.post(reverse("accounts:logout"))

    second = start_provider(accounts={"alice": {"name": "someone else"}})
    settings.RENCAI_OIDC = second.settings()
    r = client.get(authorize_at_provider(client, second, "alice"))
    assert r.url == reverse("accounts:register")
    assert "_auth_user_id" not in client.session
    assert ExternalIdentity.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_provider_outage_is_said_and_other_logins_offered(client, settings, user, start_provider):
    provider = start_provider(accounts={"alice": {"id_number": user.reveal_id_number()}})
    settings.RENCAI_OIDC = provider.settings()
    callback = authorize_at_provider(client, provider, "alice")
    provider.stop()  # down between the person's login and our token request
    r = client.get(callback)
    html = r.content.decode()
    assert r.status_code == 503
    assert "统一身份认证暂时无法访问" in html and "已过期" not in html
    assert reverse("accounts:login") in html and reverse("accounts:sms_login") in html
    assert "_auth_user_id" not in client.session

    r = client.get(START)  # discovery down too
    assert r.status_code == 503
    assert "短信验证码登录" in r.content.decode()


@pytest.mark.parametrize(
    ("aud", "azp", "accepted"),
    [
        ("rencai", None, True),
        (["rencai"], None, True),
        (["rencai", "other"], "rencai", True),
        ("rencai", "rencai", True),
        ("other", "rencai", False),  # the finding: aud is another client, azp ours
        (["other"], None, False),
        (["rencai", "other"], None, False),
        (["rencai", "other"], "other", False),
        ("rencai", "other", False),
        (None, None, False),
    ],
)
def test_audience_and_authorised_party(aud, azp, accepted):
    """OIDC Core 3.1.3.7 steps 3-5 (Authlib checked only the issuer)."""
    claims = {"sub": "x", "iss": "https://id.test", "aud": aud}
    if azp is not None:
        claims["azp"] = azp
    if accepted:
        identity.validate_id_token_claims(claims, issuer="https://id.test", client_id="rencai")
    else:
        with pytest.raises(identity.IdentityError):
            identity.validate_id_token_claims(claims, issuer="https://id.test", client_id="rencai")


def test_provider_process_answers_discovery(start_provider):
    provider = start_provider(accounts={})
    meta = requests.get(provider.issuer + "/.well-known/openid-configuration", timeout=5).json()
    assert meta["issuer"] == provider.issuer
    assert "userinfo_endpoint" in meta
    started = time.monotonic()
    provider.stop()
    assert time.monotonic() - started < 10
