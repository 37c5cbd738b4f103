"""Who may read a folder's documents is decided by the folder's owner app.

An owner app registers `permission(user, document) -> bool` for its `owner_kind`
(in its AppConfig.ready); the serving view answers 404 unless it says yes.
"""

from __future__ import annotations

from collections.abc import Callable

Permission = Callable[[object, object], bool]
_registry: dict[str, Permission] = {}


def register(owner_kind: str, permission: Permission) -> None:
    _registry[owner_kind] = permission


def permission_for(owner_kind: str) -> Permission | None:
    return _registry.get(owner_kind)
