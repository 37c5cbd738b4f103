from django.urls import path

from rencai.catalog import views

app_name = "catalog"
urlpatterns = [
    path("institutions/search", views.institution_search, name="institution_search"),
    path("majors/search", views.major_search, name="major_search"),
]
