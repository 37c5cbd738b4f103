"""External identity login (the seed's 微警认证 face login) behind a tiny provider registry.

A provider has `is_configured()`, `label`, `start(request, redirect_uri)` returning a
redirect, `finish(request)` returning the verified claims (raising IdentityError), and
`check()` listing configuration problems. The stock provider is a generic OpenID Connect
client (Authlib): discovery from settings.RENCAI_OIDC["issuer"], authorization-code flow
with PKCE (S256), state and nonce kept in the session, ID token signature and claims
verified against the issuer's JWKS, audience and authorised party checked (OIDC Core
3.1.3.7), claims the ID token lacks read from UserInfo (OIDC Core 5.3), identities keyed by
(issuer, subject).
"""

from __future__ import annotations

from django.conf import settings

_registry: dict[str, type[IdentityProvider]] = {}


class IdentityError(Exception):
    """The provider refused, or the callback was not the answer to our own request."""


class IdentityUnavailable(IdentityError):
    """The provider could not be reached (discovery, token or UserInfo endpoint down)."""


def _is_outage(exc: Exception) -> bool:
    import requests

    return isinstance(exc, (requests.ConnectionError, requests.Timeout)) or (
        isinstance(exc, requests.HTTPError)
        and exc.response is not None
        and exc.response.status_code >= 500
    )


def validate_id_token_claims(claims: dict, *, issuer: str, client_id: str) -> None:
    """OIDC Core 3.1.3.7 steps 2-5 on verified claims (signature, exp and nonce: Authlib).

    The audience must contain our client id; with several audiences (or any azp) the
    authorised party must be us — a token minted for another client is never accepted.
    """
    if not claims.get("sub"):
        raise IdentityError("no verified ID token in the token response")
    if str(claims.get("iss", "")).rstrip("/") != issuer.rstrip("/"):
        raise IdentityError("issuer mismatch")
    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else list(aud or [])
    if client_id not in audiences:
        raise IdentityError("audience does not contain this client")
    azp = claims.get("azp")
    if (len(audiences) > 1 or azp is not None) and azp != client_id:
        raise IdentityError("authorised party is not this client")


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

    @property
    def issuer(self) -> str:
        return (self.config.get("issuer") or "").rstrip("/")

    def is_configured(self) -> bool:
        return bool(self.config.get("issuer") and self.config.get("client_id"))

    def check(self) -> list[str]:
        if self.config.get("issuer") and not self.config.get("client_id"):
            return ["RENCAI_OIDC_CLIENT_ID is not set"]
        return []

    def _client(self):
        from authlib.integrations.django_client import OAuth

        issuer = self.issuer
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
            if _is_outage(exc):
                raise IdentityUnavailable(str(exc)) from exc
            raise IdentityError(str(exc)) from exc

    def finish(self, request) -> dict:
        from authlib.integrations.base_client.errors import OAuthError

        if not request.GET.get("state"):
            raise IdentityError("missing state")
        client = self._client()
        try:
            token = client.authorize_access_token(request)
        except OAuthError as exc:
            raise IdentityError(f"{exc.error}: {exc.description}") from exc
        except Exception as exc:  # network, malformed token, bad signature
            if _is_outage(exc):
                raise IdentityUnavailable(str(exc)) from exc
            raise IdentityError(str(exc)) from exc
        claims = dict(token.get("userinfo") or {})
        validate_id_token_claims(claims, issuer=self.issuer, client_id=self.config["client_id"])
        if not claims.get(self.id_number_claim):
            claims.update(self._userinfo(client, token, subject=claims["sub"]))
        return claims

    def _userinfo(self, client, token, *, subject: str) -> dict:
        """Claims from the UserInfo endpoint, many providers' only place for them."""
        if not client.load_server_metadata().get("userinfo_endpoint"):
            return {}
        try:
            info = dict(client.userinfo(token=token))
        except Exception as exc:
            if _is_outage(exc):
                raise IdentityUnavailable(str(exc)) from exc
            raise IdentityError(f"userinfo: {exc}") from exc
        if str(info.get("sub")) != str(subject):  # OIDC Core 5.3.2: must match the ID token
            raise IdentityError("userinfo subject differs from the ID token")
        info.pop("iss", None)
        info.pop("aud", None)
        return info


def provider(name: str) -> IdentityProvider | None:
    cls = _registry.get(name)
    return cls() if cls else None


def all_providers() -> list[IdentityProvider]:
    return [cls() for cls in _registry.values()]


def configured_providers() -> list[IdentityProvider]:
    return [p for p in all_providers() if p.is_configured()]
