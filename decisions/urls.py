from django.urls import path

from decisions import feeds
from decisions.views import actions, api, meetings, pages, precedents, records, search

app_name = "decisions"

urlpatterns = [
    path("", pages.home, name="home"),
    path("rfcs/", pages.rfc_list, name="rfc-list"),
    path("rfcs/feed/", feeds.RFCFeed(), name="rfc-feed"),
    path("rfcs/status/feed/", feeds.RFCStatusFeed(), name="rfc-status-feed"),
    path("rfcs/export.csv", api.rfc_export_csv, name="rfc-export-csv"),
    path("rfcs/<int:number>/", pages.rfc_detail, name="rfc-detail"),
    path("rfcs/<int:number>/history/", pages.rfc_history, name="rfc-history"),
    path("rfcs/<int:number>.md", pages.rfc_markdown, name="rfc-markdown"),
    path("meetings/", pages.meeting_list, name="meeting-list"),
    path("meetings/feed/", feeds.MeetingFeed(), name="meeting-feed"),
    path("meetings/new/", meetings.meeting_new, name="meeting-new"),
    path("meetings/<int:pk>/", pages.meeting_detail, name="meeting-detail"),
    path(
        "meetings/<int:pk>/topics/<int:topic>/decision/",
        meetings.topic_link_decision,
        name="topic-link-decision",
    ),
    path("action-items/", actions.action_item_list, name="action-item-list"),
    path("action-items/feed/", feeds.ActionItemFeed(), name="action-item-feed"),
    path("action-items/<int:pk>/status/", actions.action_item_status, name="action-item-status"),
    path("decisions/", pages.decision_list, name="decision-list"),
    path("decisions/new/", records.decision_new, name="decision-new"),
    path("decisions/export.zip", pages.decision_export_zip, name="decision-export-zip"),
    path("decisions/export.csv", api.decision_export_csv, name="decision-export-csv"),
    path("decisions/feed/", feeds.DecisionFeed(), name="decision-feed"),
    path("decisions/<int:number>/", pages.decision_detail, name="decision-detail"),
    path("decisions/<int:number>.md", pages.decision_markdown, name="decision-markdown"),
    path("decisions/<int:number>/edit/", records.decision_edit, name="decision-edit"),
    path("decisions/<int:number>/matrix/", records.decision_matrix, name="decision-matrix"),
    path("precedents/", pages.precedent_list, name="precedent-list"),
    path("precedents/new/", precedents.precedent_edit, name="precedent-new"),
    path("precedents/<int:pk>/", pages.precedent_detail, name="precedent-detail"),
    path("precedents/<int:pk>/edit/", precedents.precedent_edit, name="precedent-edit"),
    path("people/<slug:slug>/", pages.person_detail, name="person-detail"),
    path("search/", search.search_page, name="search"),
    path("api/", api.api_docs, name="api"),
    path("api/rfcs/", api.rfc_list, name="rfc-api-list"),
    path("api/rfcs/<int:number>/", api.rfc_detail, name="rfc-api-detail"),
    path("api/decisions/", api.decision_list, name="decision-api-list"),
    path("api/decisions/<int:number>/", api.decision_detail, name="decision-api-detail"),
    path("api/meetings/", api.meeting_list, name="meeting-api-list"),
    path("api/meetings/<int:pk>/", api.meeting_detail, name="meeting-api-detail"),
    path("api/precedents/", api.precedent_list, name="precedent-api-list"),
    path("api/precedents/<int:pk>/", api.precedent_detail, name="precedent-api-detail"),
    path("api/search/", api.search, name="search-api"),
]
