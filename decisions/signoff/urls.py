"""The sign-off routes: /motions/, a motion's page and its writes, /me/, and the motions API."""

from __future__ import annotations

from django.urls import path

from decisions.signoff import api, feeds, unsubscribe, views, waiting

urlpatterns = [
    path("motions/", views.motion_list, name="motion-list"),
    path("motions/feed/", feeds.MotionEventFeed(), name="motion-feed"),
    path("people/<slug:slug>/motions/feed/", feeds.PersonMotionEventFeed(), name="person-motion-feed"),
    path("notices/<str:token>/", unsubscribe.notices, name="notices"),
    path("motions/<int:pk>/", views.motion_detail, name="motion-detail"),
    path("motions/propose/rfc/<int:pk>/", views.motion_propose, name="motion-propose-rfc"),
    path("motions/propose/decision/<int:number>/", views.motion_propose, name="motion-propose-decision"),
    path("motions/<int:pk>/position/", views.motion_position, name="motion-position"),
    path("motions/<int:pk>/withdraw/", views.motion_withdraw, name="motion-withdraw"),
    path("motions/<int:pk>/concerns/<int:concern>/resolve/", views.concern_resolve, name="concern-resolve"),
    path("me/", waiting.me, name="me"),
    path("api/motions/", api.motion_list, name="motion-api-list"),
    path("api/motions/<int:pk>/", api.motion_detail, name="motion-api-detail"),
]
