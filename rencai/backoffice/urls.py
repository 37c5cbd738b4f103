from django.urls import path

from rencai.backoffice import views, views_casework, views_stats

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
    # Objection and card panels of the case page (views_casework).
    path(
        "cases/<str:number>/objections/<int:objection_id>/finding/",
        views_casework.objection_finding,
        name="objection_finding",
    ),
    path(
        "cases/<str:number>/objections/<int:objection_id>/reveal/",
        views_casework.objection_reveal,
        name="objection_reveal",
    ),
    path("cases/<str:number>/card/revoke/", views_casework.card_revoke_page, name="card_revoke"),
    path("reapply/", views.reapply_page, name="reapply"),
    path("stats/", views_stats.stats_page, name="stats"),
    path("stats.csv", views_stats.stats_csv, name="stats_csv"),
]
