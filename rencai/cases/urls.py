"""Case pages come in phase 2 (application form, status page, unit-admin pages)."""

app_name = "cases"
urlpatterns: list = []
