from django.urls import path

from rencai.documents import views

app_name = "documents"
urlpatterns = [
    path("<uuid:public_id>/<str:variant>/", views.serve, name="serve"),
]
