"""The client's IP address, behind zero or more trusted reverse proxies.

settings.RENCAI_TRUSTED_PROXIES lists the proxies' addresses or networks. When the peer
(REMOTE_ADDR) is one of them, the client is the right-most X-Forwarded-For address that is
not a trusted proxy: everything left of it was written by the client and can be forged.
Otherwise, or with no trusted proxies configured, the client is REMOTE_ADDR and any
X-Forwarded-For header is ignored. Audit rows, the per-IP SMS limit and django-axes
(AXES_CLIENT_IP_CALLABLE) all use this one rule.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "RENCAI_TRUSTED_PROXIES", ()) or ()))


def _parse(value: str) -> Address | None:
    """An address from an X-Forwarded-For entry or REMOTE_ADDR ("[v6]:port", "v4:port" too)."""
    text = value.strip().strip('"')
    if text.startswith("["):  # [2001:db8::1]:443
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:  # 203.0.113.7:51234
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(request) -> str | None:
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    networks = trusted_networks()
    peer = _parse(remote) if remote else None
    if not networks or peer is None or not _trusted(peer, networks):
        return str(peer) if peer is not None else remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    nearest = peer  # the closest address known to be genuine so far
    for entry in reversed(forwarded.split(",")):
        address = _parse(entry)
        if address is None:
            # Garbage in the chain: nothing further left can be trusted. Keep the
            # nearest trusted hop, so such requests share one limit rather than none.
            break
        if not _trusted(address, networks):
            return str(address)
        nearest = address
    return str(nearest)
