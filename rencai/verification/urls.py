from django.urls import path

from rencai.verification import views

app_name = "verification"
urlpatterns = [
    path("cases/<str:number>/precheck/", views.precheck, name="precheck"),
    path("office/cases/<str:number>/rerun/", views.rerun, name="rerun"),
    path("office/stats/", views.stats, name="stats"),
]
