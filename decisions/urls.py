from django.urls import path, register_converter

from decisions.api import docs as api_docs
from decisions.meetings import api as meetings_api
from decisions.meetings import feeds as meetings_feeds
from decisions.meetings import views as meetings
from decisions.people import views as people
from decisions.precedents import api as precedents_api
from decisions.precedents import views as precedents
from decisions.records import api as records_api
from decisions.records import feeds as records_feeds
from decisions.records import views as records
from decisions.rfcs import api as rfcs_api
from decisions.rfcs import feeds as rfcs_feeds
from decisions.rfcs import views as rfcs
from decisions.search import api as search_api
from decisions.search import views as search
from decisions.views import home as home_view

app_name = "decisions"


class SeriesConverter:
    """The prefix of an imported series in URLs: /rfcs/pep/8/ (the site's own RFCs have none)."""

    regex = "rust|pep|kep"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SeriesConverter, "series")

urlpatterns = [
    path("", home_view, name="home"),
    path("rfcs/", rfcs.rfc_list, name="rfc-list"),
    path("rfcs/feed/", rfcs_feeds.RFCFeed(), name="rfc-feed"),
    path("rfcs/status/feed/", rfcs_feeds.RFCStatusFeed(), name="rfc-status-feed"),
    path("rfcs/export.csv", rfcs_api.rfc_export_csv, name="rfc-export-csv"),
    path("rfcs/<int:number>/", rfcs.rfc_detail, name="rfc-detail"),
    path("rfcs/<int:number>/history/", rfcs.rfc_history, name="rfc-history"),
    path("rfcs/<int:number>/edit/", rfcs.rfc_edit, name="rfc-edit"),
    path("rfcs/<int:number>.md", rfcs.rfc_markdown, name="rfc-markdown"),
    # The same pages for imported series; reverse() picks these when given (series, number).
    path("rfcs/<series:series>/<int:number>/", rfcs.rfc_detail, name="rfc-detail"),
    path("rfcs/<series:series>/<int:number>/history/", rfcs.rfc_history, name="rfc-history"),
    path("rfcs/<series:series>/<int:number>/edit/", rfcs.rfc_edit, name="rfc-edit"),
    path("rfcs/<series:series>/<int:number>.md", rfcs.rfc_markdown, name="rfc-markdown"),
    # Legacy ids and aliases (/rfcs/pep-8/, /rfcs/KEP-625/, /rfcs/0001-private-fields/) redirect.
    path("rfcs/<str:alias>/", rfcs.rfc_alias, name="rfc-alias"),
    path("meetings/", meetings.meeting_list, name="meeting-list"),
    path("meetings/feed/", meetings_feeds.MeetingFeed(), name="meeting-feed"),
    path("meetings/new/", meetings.meeting_new, name="meeting-new"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting-edit"),
    path(
        "meetings/<int:pk>/topics/<int:topic>/decision/",
        meetings.topic_link_decision,
        name="topic-link-decision",
    ),
    path("action-items/", meetings.action_item_list, name="action-item-list"),
    path("action-items/feed/", meetings_feeds.ActionItemFeed(), name="action-item-feed"),
    path("action-items/<int:pk>/status/", meetings.action_item_status, name="action-item-status"),
    path("decisions/", records.decision_list, name="decision-list"),
    path("decisions/new/", records.decision_new, name="decision-new"),
    path("decisions/export.zip", records.decision_export_zip, name="decision-export-zip"),
    path("decisions/export.csv", records_api.decision_export_csv, name="decision-export-csv"),
    path("decisions/feed/", records_feeds.DecisionFeed(), name="decision-feed"),
    path("decisions/<int:number>/", records.decision_detail, name="decision-detail"),
    path("decisions/<int:number>.md", records.decision_markdown, name="decision-markdown"),
    path("decisions/<int:number>/edit/", records.decision_edit, name="decision-edit"),
    path("decisions/<int:number>/matrix/", records.decision_matrix, name="decision-matrix"),
    path("precedents/", precedents.precedent_list, name="precedent-list"),
    path("precedents/new/", precedents.precedent_edit, name="precedent-new"),
    path("precedents/<int:pk>/", precedents.precedent_detail, name="precedent-detail"),
    path("precedents/<int:pk>/edit/", precedents.precedent_edit, name="precedent-edit"),
    path("people/<slug:slug>/", people.person_detail, name="person-detail"),
    path("search/", search.search_page, name="search"),
    path("api/", api_docs.api_docs, name="api"),
    path("api/rfcs/", rfcs_api.rfc_list, name="rfc-api-list"),
    path("api/rfcs/<int:number>/", rfcs_api.rfc_detail, name="rfc-api-detail"),
    path("api/rfcs/<series:series>/<int:number>/", rfcs_api.rfc_detail, name="rfc-api-detail"),
    path("api/decisions/", records_api.decision_list, name="decision-api-list"),
    path("api/decisions/<int:number>/", records_api.decision_detail, name="decision-api-detail"),
    path("api/meetings/", meetings_api.meeting_list, name="meeting-api-list"),
    path("api/meetings/<int:pk>/", meetings_api.meeting_detail, name="meeting-api-detail"),
    path("api/precedents/", precedents_api.precedent_list, name="precedent-api-list"),
    path("api/precedents/<int:pk>/", precedents_api.precedent_detail, name="precedent-api-detail"),
    path("api/search/", search_api.search, name="search-api"),
]
