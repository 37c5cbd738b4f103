"""Admin pieces every request kind shares."""

from django.contrib import admin


class ReadOnlyRequestAdmin(admin.ModelAdmin):
    """A request's status and decisions are written by the engine only (audited, SMS): the
    admin shows requests and never adds, changes or deletes one."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]
