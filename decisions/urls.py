from django.urls import path

from decisions.views import actions, meetings, pages, precedents, records

app_name = "decisions"

urlpatterns = [
    path("", pages.home, name="home"),
    path("rfcs/", pages.rfc_list, name="rfc-list"),
    path("rfcs/<int:number>/", pages.rfc_detail, name="rfc-detail"),
    path("rfcs/<int:number>/history/", pages.rfc_history, name="rfc-history"),
    path("rfcs/<int:number>.md", pages.rfc_markdown, name="rfc-markdown"),
    path("meetings/", pages.meeting_list, name="meeting-list"),
    path("meetings/new/", meetings.meeting_new, name="meeting-new"),
    path("meetings/<int:pk>/", pages.meeting_detail, name="meeting-detail"),
    path(
        "meetings/<int:pk>/topics/<int:topic>/decision/",
        meetings.topic_link_decision,
        name="topic-link-decision",
    ),
    path("action-items/", actions.action_item_list, name="action-item-list"),
    path("action-items/feed/", actions.ActionItemFeed(), name="action-item-feed"),
    path("action-items/<int:pk>/status/", actions.action_item_status, name="action-item-status"),
    path("decisions/", pages.decision_list, name="decision-list"),
    path("decisions/new/", records.decision_new, name="decision-new"),
    path("decisions/export.zip", pages.decision_export_zip, name="decision-export-zip"),
    path("decisions/<int:number>/", pages.decision_detail, name="decision-detail"),
    path("decisions/<int:number>.md", pages.decision_markdown, name="decision-markdown"),
    path("decisions/<int:number>/edit/", records.decision_edit, name="decision-edit"),
    path("decisions/<int:number>/matrix/", records.decision_matrix, name="decision-matrix"),
    path("precedents/", pages.precedent_list, name="precedent-list"),
    path("precedents/new/", precedents.precedent_edit, name="precedent-new"),
    path("precedents/<int:pk>/", pages.precedent_detail, name="precedent-detail"),
    path("precedents/<int:pk>/edit/", precedents.precedent_edit, name="precedent-edit"),
    path("people/<slug:slug>/", pages.person_detail, name="person-detail"),
]
