from django.urls import path

from rencai.support import views, views_office

app_name = "support"
urlpatterns = [
    path("", views.ticket_list, name="mine"),
    path("new/", views.ticket_new, name="new"),
    path("t/<str:number>/", views.ticket_detail, name="ticket"),
    path("t/<str:number>/act/", views.ticket_act, name="ticket_act"),
    path("rate/<str:key>/", views.rate, name="rate"),
    # Officials (second factor passed, acting for an office).
    path("office/", views_office.office_index, name="office"),
    path("office/t/<str:number>/", views_office.office_ticket, name="office_ticket"),
    path("office/t/<str:number>/act/", views_office.office_ticket_act, name="office_ticket_act"),
    path("office/o/<str:number>/", views_office.office_order, name="office_order"),
]
