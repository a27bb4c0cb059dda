from django.urls import path

from decisions import views

app_name = "decisions"

urlpatterns = [
    path("", views.home, name="home"),
    path("rfcs/", views.rfc_list, name="rfc-list"),
    path("rfcs/<int:number>/", views.rfc_detail, name="rfc-detail"),
    path("rfcs/<int:number>/history/", views.rfc_history, name="rfc-history"),
    path("rfcs/<int:number>.md", views.rfc_markdown, name="rfc-markdown"),
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("decisions/", views.decision_list, name="decision-list"),
    path("decisions/<int:number>/", views.decision_detail, name="decision-detail"),
    path("precedents/", views.precedent_list, name="precedent-list"),
    path("precedents/<int:pk>/", views.precedent_detail, name="precedent-detail"),
    path("people/<slug:slug>/", views.person_detail, name="person-detail"),
]
