from django.urls import path

from rencai.process import views

app_name = "process"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("worklist/", views.worklist, name="worklist"),
]
