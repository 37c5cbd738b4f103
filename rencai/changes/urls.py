from django.urls import path

from rencai.changes import views

app_name = "changes"
urlpatterns = [
    # 查询信息注册情况及进度: my requests, lookup by number, links to every kind.
    path("", views.index, name="index"),
    path("lookup/", views.lookup, name="lookup"),
    path("new/unit/", views.unit_new, name="unit_new"),
    path("new/unit-change/", views.unit_change, name="unit_change"),
    path("new/institution/", views.institution_new, name="institution_new"),
    path("new/major/", views.major_new, name="major_new"),
    path("new/unit-contact/", views.unit_contact, name="unit_contact"),
    path("requests/<str:number>/", views.detail, name="detail"),
    path("requests/<str:number>/decide/", views.decide, name="decide"),
    path("review/", views.worklist, name="worklist"),
    # 法人单位系统管理员权限
    path("unit-admin/", views.unit_admin_apply, name="unit_admin_apply"),
    path("unit-admin/review/", views.unit_admin_worklist, name="unit_admin_worklist"),
    path(
        "unit-admin/grants/<int:grant_id>/revoke/",
        views.unit_admin_revoke,
        name="unit_admin_revoke",
    ),
    path("unit-admin/<str:number>/", views.unit_admin_detail, name="unit_admin_detail"),
    path("unit-admin/<str:number>/decide/", views.unit_admin_decide, name="unit_admin_decide"),
]
