"""External identity login (the seed's 微警认证 face login) behind a tiny provider registry.

A provider has `is_configured()`, `label`, `start(request, redirect_uri)` returning a
redirect, `finish(request)` returning the verified claims (raising IdentityError), and
`check()` listing configuration problems. The stock provider is a generic OpenID Connect
client (Authlib): discovery from settings.RENCAI_OIDC["issuer"], authorization-code flow
with PKCE (S256), state and nonce kept in the session, ID token signature and claims
verified against the issuer's JWKS.
"""

from __future__ import annotations

from django.conf import settings

_registry: dict[str, type[IdentityProvider]] = {}


class IdentityError(Exception):
    """The provider refused, or the callback was not the answer to our own request."""


def register(name: str):
    def wrap(cls):
        cls.name = name
        _registry[name] = cls
        return cls

    return wrap


class IdentityProvider:
    name = ""

    @property
    def label(self) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    def is_configured(self) -> bool:  # pragma: no cover - interface
        raise NotImplementedError

    def start(self, request, redirect_uri: str):  # pragma: no cover - interface
        raise NotImplementedError

    def finish(self, request) -> dict:  # pragma: no cover - interface
        raise NotImplementedError

    def check(self) -> list[str]:
        return []


@register("oidc")
class OpenIDConnectProvider(IdentityProvider):
    @property
    def config(self) -> dict:
        return getattr(settings, "RENCAI_OIDC", {}) or {}

    @property
    def label(self) -> str:
        return self.config.get("label") or "统一身份认证"

    @property
    def id_number_claim(self) -> str:
        return self.config.get("id_number_claim") or "id_number"

    def is_configured(self) -> bool:
        return bool(self.config.get("issuer") and self.config.get("client_id"))

    def check(self) -> list[str]:
        if self.config.get("issuer") and not self.config.get("client_id"):
            return ["RENCAI_OIDC_CLIENT_ID is not set"]
        return []

    def _client(self):
        from authlib.integrations.django_client import OAuth

        issuer = self.config["issuer"].rstrip("/")
        oauth = OAuth()
        oauth.register(
            name=f"rencai_{self.name}",
            client_id=self.config["client_id"],
            client_secret=self.config.get("client_secret") or None,
            server_metadata_url=f"{issuer}/.well-known/openid-configuration",
            client_kwargs={
                "scope": self.config.get("scope") or "openid profile",
                "code_challenge_method": "S256",
                "default_timeout": 10,
                **(
                    {}
                    if self.config.get("client_secret")
                    else {"token_endpoint_auth_method": "none"}
                ),
            },
        )
        return oauth.create_client(f"rencai_{self.name}")

    def start(self, request, redirect_uri: str):
        try:
            return self._client().authorize_redirect(request, redirect_uri)
        except Exception as exc:  # discovery down, bad metadata
            raise IdentityError(str(exc)) from exc

    def finish(self, request) -> dict:
        from authlib.integrations.base_client.errors import OAuthError

        if not request.GET.get("state"):
            raise IdentityError("missing state")
        try:
            token = self._client().authorize_access_token(request)
        except OAuthError as exc:
            raise IdentityError(f"{exc.error}: {exc.description}") from exc
        except Exception as exc:  # network, malformed token, bad signature
            raise IdentityError(str(exc)) from exc
        claims = dict(token.get("userinfo") or {})
        if not claims.get("sub"):
            raise IdentityError("no verified ID token in the token response")
        issuer = self.config["issuer"].rstrip("/")
        if str(claims.get("iss", "")).rstrip("/") != issuer:
            raise IdentityError("issuer mismatch")
        return claims


def provider(name: str) -> IdentityProvider | None:
    cls = _registry.get(name)
    return cls() if cls else None


def all_providers() -> list[IdentityProvider]:
    return [cls() for cls in _registry.values()]


def configured_providers() -> list[IdentityProvider]:
    return [p for p in all_providers() if p.is_configured()]
