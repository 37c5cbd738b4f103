from django.urls import path

from rencai.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.search, name="search"),
    path("<int:unit_id>/", views.detail, name="detail"),
]
