"""Migration operations that run on both databases the project supports."""

from __future__ import annotations

from django.contrib.postgres.operations import AddIndexConcurrently


class AddIndexConcurrentlyWherePossible(AddIndexConcurrently):
    """CREATE INDEX CONCURRENTLY on PostgreSQL (writes go on while a big table is indexed;
    the migration must be `atomic = False`); a plain CREATE INDEX elsewhere (SQLite has a
    single writer and no concurrent build)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        self._plain(schema_editor, to_state, app_label, schema_editor.add_index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        self._plain(schema_editor, from_state, app_label, schema_editor.remove_index)

    def _plain(self, schema_editor, state, app_label, change) -> None:
        model = state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            change(model, self.index)
