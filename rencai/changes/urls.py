from django.urls import path

from rencai.changes import views

app_name = "changes"
urlpatterns = [
    # 查询信息注册情况及进度: my requests, lookup by number, links to every kind.
    path("", views.index, name="index"),
    path("lookup/", views.lookup, name="lookup"),
    *views.CHANGE_FORM.urls(views.FORM_PAGES),
    *views.CHANGE_PAGES.urls(
        "requests/", review="review/", worklist=views.worklist,
        names=("worklist", "detail", "decide"),
    ),
    # 法人单位系统管理员权限
    path("unit-admin/", views.unit_admin_apply, name="unit_admin_apply"),
    path("unit-admin/grants/<int:grant_id>/revoke/", views.unit_admin_revoke,
         name="unit_admin_revoke"),
    *views.UNIT_ADMIN_PAGES.urls(
        "unit-admin/", review="unit-admin/review/", worklist=views.unit_admin_worklist,
        names=("unit_admin_worklist", "unit_admin_detail", "unit_admin_decide"),
    ),
]  # fmt: skip
