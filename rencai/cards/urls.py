from django.urls import path

from rencai.cards import views, views_preview

app_name = "cards"
urlpatterns = [
    path("verify/<str:token>/", views.verify, name="verify"),
    path("<str:number>/download/", views.download, name="download"),
    path("<str:number>/preview/", views_preview.preview, name="preview"),
    path("<str:number>/preview.png", views_preview.preview_png, name="preview_png"),
]
