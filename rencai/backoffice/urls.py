from django.urls import path

from rencai.backoffice import views

app_name = "backoffice"
urlpatterns = [
    path("", views.index, name="index"),
    path("2fa/", views.totp_verify, name="totp_verify"),
    path("2fa/enrol/", views.totp_enrol, name="totp_enrol"),
    path("2fa/backup-codes/", views.totp_backup_codes, name="totp_backup_codes"),
    path("choose/", views.choose, name="choose"),
    path("queue/<slug:key>/", views.worklist, name="worklist"),
    path("cases/<str:number>/", views.case_detail, name="case"),
    path("cases/<str:number>/act/", views.case_act, name="case_act"),
    path("cases/<str:number>/reveal/", views.case_reveal, name="case_reveal"),
    path(
        "cases/<str:number>/files/<uuid:public_id>/<str:variant>/",
        views.case_document,
        name="case_document",
    ),
    path("reapply/", views.reapply_page, name="reapply"),
    path("stats/", views.stats_page, name="stats"),
    path("stats.csv", views.stats_csv, name="stats_csv"),
]
