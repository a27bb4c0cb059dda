"""The meeting and action item routes: pages, editing, feeds and API."""

from __future__ import annotations

from django.urls import path

from decisions.meetings import action_items, api, feeds, views

urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/feed/", feeds.MeetingFeed(), name="meeting-feed"),
    path("meetings/new/", views.meeting_new, name="meeting-new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/accept/", views.meeting_accept, name="meeting-accept"),
    path(
        "meetings/<int:pk>/topics/<int:topic>/decision/",
        views.topic_link_decision,
        name="topic-link-decision",
    ),
    path("action-items/", action_items.action_item_list, name="action-item-list"),
    path("action-items/feed/", feeds.ActionItemFeed(), name="action-item-feed"),
    path("action-items/<int:pk>/status/", action_items.action_item_status, name="action-item-status"),
    path("api/meetings/", api.meeting_list, name="meeting-api-list"),
    path("api/meetings/<int:pk>/", api.meeting_detail, name="meeting-api-detail"),
]
