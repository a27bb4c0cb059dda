"""The person page's route."""

from __future__ import annotations

from django.urls import path

from decisions.people import views

urlpatterns = [
    path("people/<slug:slug>/", views.person_detail, name="person-detail"),
]
