"""The routes of RFCs drafted from decisions."""

from __future__ import annotations

from django.urls import path

from decisions.drafted import views

urlpatterns = [
    path("decisions/<int:number>/draft-rfc/", views.draft_rfc, name="decision-draft-rfc"),
    path("rfcs/<int:number>/decision-block/", views.use_block, name="rfc-use-decision-block"),
]
