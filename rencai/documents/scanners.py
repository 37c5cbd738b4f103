"""Malware scanners for uploads behind a small plugin registry (like notify.channels).

`RENCAI_MALWARE_SCANNER` picks one: "clamd" (ClamAV's daemon, INSTREAM over a Unix socket
or TCP) or "none" (development only). A scanner returns the signature name of what it found
or None, and raises ScannerUnavailable when it cannot give a verdict: an upload is never
accepted unscanned, whatever went wrong (daemon down, timeout, size limit, odd answer).
"""

from __future__ import annotations

import io
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from rencai.core.errors import DomainError

log = logging.getLogger(__name__)
_registry: dict[str, type[Scanner]] = {}


class ScannerUnavailable(DomainError):
    """No verdict: the upload is refused (503: the service, not the file, is at fault)."""

    status = 503
    code = "scanner_unavailable"

    def __init__(self, reason: str):
        super().__init__(
            "暂时无法完成病毒检查，文件未上传，请稍后重试；多次失败请联系客服。",
            field="file",
        )
        self.reason = reason  # for the log only


def register(name: str):
    def wrap(cls):
        _registry[name] = cls
        return cls

    return wrap


class Scanner:
    def scan(self, data: bytes) -> str | None:  # pragma: no cover - interface
        """The signature found in `data`, None when clean; ScannerUnavailable otherwise."""
        raise NotImplementedError

    def check(self) -> list[str]:
        return []


@register("none")
class NoScanner(Scanner):
    """Development only. In production it refuses every upload instead of waving it through
    (and `check --deploy` names it), so a forgotten setting cannot disable the scan."""

    def scan(self, data: bytes) -> str | None:
        if settings.PRODUCTION:
            raise ScannerUnavailable("RENCAI_MALWARE_SCANNER=none in production")
        return None


def _clamd_client():
    from clamav_client.clamd import ClamdNetworkSocket, ClamdUnixSocket

    address = settings.RENCAI_CLAMD_ADDRESS
    parts = urlsplit(address)
    timeout = settings.RENCAI_CLAMD_TIMEOUT
    if parts.scheme == "unix" or (not parts.scheme and address.startswith("/")):
        return ClamdUnixSocket(path=parts.path or address, timeout=timeout)
    if parts.scheme == "tcp" and parts.hostname and parts.port:
        return ClamdNetworkSocket(host=parts.hostname, port=parts.port, timeout=timeout)
    raise ValueError(
        f"RENCAI_CLAMD_ADDRESS={address!r} is neither unix:///path nor tcp://host:port"
    )


@register("clamd")
class ClamdScanner(Scanner):
    """ClamAV's clamd through clamav-client (INSTREAM: the bytes go over the socket, so clamd
    needs no access to our storage). Keep clamd's StreamMaxLength above
    RENCAI_UPLOAD_MAX_BYTES, or every large file is refused as unscannable."""

    def scan(self, data: bytes) -> str | None:
        from clamav_client.clamd import ClamdError

        try:
            client = _clamd_client()
            result = client.instream(io.BytesIO(data))
        except (ClamdError, OSError, ValueError) as exc:
            raise ScannerUnavailable(f"clamd: {exc}") from exc
        status, signature = result.get("stream", (None, None))
        if status == "FOUND":
            return signature or "unknown"
        if status == "OK":
            return None
        raise ScannerUnavailable(f"clamd answered {result!r}")

    def check(self) -> list[str]:
        try:
            _clamd_client()
        except ValueError as exc:
            return [str(exc)]
        return []


def scanner() -> Scanner:
    name = settings.RENCAI_MALWARE_SCANNER
    if name not in _registry:
        raise LookupError(f"unknown malware scanner {name!r}; known: {sorted(_registry)}")
    return _registry[name]()


def scan_upload(*, data: bytes, name: str) -> None:
    """Refuse `data` unless the configured scanner says it is clean."""
    try:
        found = scanner().scan(data)
    except ScannerUnavailable as exc:
        log.error("upload refused, no malware verdict: %s", exc.reason)
        raise
    except LookupError as exc:  # also reported by the documents system check
        log.error("upload refused, no malware verdict: %s", exc)
        raise ScannerUnavailable(str(exc)) from exc
    if found:
        log.warning("upload refused, malware signature %s", found)
        raise DomainError(
            format_lazy(
                gettext_lazy(
                    "“{name}”未通过病毒检查（检测到：{found}），已拒收。请用杀毒软件检查电脑后重新扫描或导出文件再上传。"
                ),
                name=name,
                found=found,
            ),
            field="file",
            code="file_malware",
        )
