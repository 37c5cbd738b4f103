from django.urls import path

from rencai.helpdesk import views

app_name = "helpdesk"
urlpatterns = [
    path("", views.index, name="index"),
    path("a/<slug:slug>/", views.article, name="article"),
    path("offices/", views.directory, name="directory"),
    path("not-handled/", views.not_handled, name="not_handled"),
]
