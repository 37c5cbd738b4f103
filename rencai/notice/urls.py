from django.urls import path

from rencai.notice import views

app_name = "notice"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<str:number>/objection/", views.objection, name="objection"),
]
