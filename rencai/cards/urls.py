from django.urls import path

from rencai.cards import views

app_name = "cards"
urlpatterns = [
    path("verify/<str:token>/", views.verify, name="verify"),
    path("<str:number>/download/", views.download, name="download"),
]
