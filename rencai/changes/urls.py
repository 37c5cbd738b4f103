from django.urls import path

from rencai.changes import views

app_name = "changes"
urlpatterns = [
    # 查询信息注册情况及进度: my requests, lookup by number, links to every kind.
    path("", views.index, name="index"),
    path("lookup/", views.lookup, name="lookup"),
    *views.CHANGE_FORM.urls(views.FORM_PAGES),
    *views.CHANGE_PAGES.urls("requests/", review="review/", worklist=views.worklist,
                             names=("worklist", "detail", "decide")),
]  # fmt: skip
