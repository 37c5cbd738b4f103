"""Hot single-row lookups with their SQL compiled once per process (issue #15).

Django builds every SELECT anew for each request. For the status page's case with its
unit, applicant, card and folder (a 3 kB statement), and for the session's user with
its "holds a grant" subquery, building the SQL cost more CPU than the database spent
answering it. A `PreparedLookup` compiles its queryset once per database alias, with a
marker in place of the one value it looks up, then runs that SQL with the real value and
builds the instance as QuerySet iteration does (Django's converters, the select_related
rows, annotations). A compile it cannot use (the marker not found exactly once) leaves
the lookup on the plain queryset.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.db import connections, models, router
from django.db.models.query import get_related_populators

log = logging.getLogger(__name__)

_TEXT_MARK = "\x00rencai-prepared\x00"
_INT_MARK = 2**62 - 7331


class PreparedLookup:
    """`build(value)` → an ordered queryset of `model` filtered on `field` = value
    (select_related and annotations allowed); `first(value)` → what `build(value).first()`
    gives: the first instance or None; `all(value)` → its first `limit` instances."""

    def __init__(
        self,
        model: type[models.Model],
        field: str,
        build: Callable[[Any], Any],
        *,
        limit: int | None = 1,
    ):
        self.model, self.field, self.build = model, model._meta.get_field(field), build
        self.limit = limit  # rows `all()` returns at most (None: every row)
        self._compiled: dict[str, tuple | None] = {}
        self._lock = threading.Lock()

    def _sliced(self, queryset):
        return queryset if self.limit is None else queryset[: self.limit]

    def _mark(self):
        field = self.field.target_field if self.field.is_relation else self.field
        internal = field.get_internal_type()
        return _INT_MARK if internal.endswith(("AutoField", "IntegerField")) else _TEXT_MARK

    def _compile(self, using: str) -> tuple | None:
        mark = self._mark()
        queryset = self._sliced(self.build(mark))
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots = [i for i, p in enumerate(params) if p == mark]
        if len(slots) != 1:
            log.warning(
                "prepared lookup on %s unused: marker found %d times", self.model, len(slots)
            )
            return None
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        if compiler.has_composite_fields(fields):
            return None
        converters = list(compiler.get_converters(fields).items())  # per field, not per row
        return sql, tuple(params), slots[0], compiler, converters, queryset._fetch_mode

    def _entry(self, using: str) -> tuple | None:
        if using not in self._compiled:
            with self._lock:
                if using not in self._compiled:
                    self._compiled[using] = self._compile(using)
        return self._compiled[using]

    def first(self, value: Any, *, using: str | None = None) -> models.Model | None:
        found = self.all(value, using=using)
        return found[0] if found else None

    def all(self, value: Any, *, using: str | None = None) -> list[models.Model]:
        """What `list(build(value)[:limit])` gives."""
        using = using or router.db_for_read(self.model)
        entry = self._entry(using)
        if entry is None:
            return list(self._sliced(self.build(value)))
        sql, params, slot, compiler, converters, fetch_mode = entry
        connection = connections[using]
        params = list(params)
        params[slot] = self.field.get_db_prep_value(self.field.get_prep_value(value), connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        found = []
        for row in rows:
            row = list(row)
            for position, (functions, expression) in converters:  # as apply_converters
                for convert in functions:
                    row[position] = convert(row[position], expression, connection)
            found.append(self._instance(compiler, row, using, fetch_mode))
        return found

    @staticmethod
    def _instance(compiler, row, db: str, fetch_mode) -> models.Model:
        """One row → instance, as django.db.models.query.ModelIterable builds it."""
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [f[0].target.attname for f in select[start:end]]
        obj = klass_info["model"].from_db(db, names, row[start:end], fetch_mode=fetch_mode)
        for populator in get_related_populators(klass_info, select, db, fetch_mode):
            populator.populate(row, obj)
        for name, position in (compiler.annotation_col_map or {}).items():
            setattr(obj, name, row[position])
        return obj
