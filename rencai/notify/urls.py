from django.urls import path

from rencai.notify import views

app_name = "notify"
urlpatterns = [
    path("dev-inbox/", views.dev_inbox, name="dev_inbox"),
    path("preference/", views.preference, name="preference"),
]
