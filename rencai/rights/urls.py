from django.urls import path

from rencai.rights import views

# Mounted at /changes/unit-admin/ (the paths the pages have always had).
app_name = "rights"
urlpatterns = [
    path("", views.apply, name="apply"),
    path("grants/<int:grant_id>/revoke/", views.revoke, name="revoke"),
    *views.PAGES.urls("", review="review/", worklist=views.worklist,
                      names=("worklist", "detail", "decide")),
]  # fmt: skip
