"""The site's routes: the home page and the API documentation, then each room's own urls.py.

Every route keeps its name under the `decisions` namespace, whichever room it lives in.
"""

from __future__ import annotations

from django.urls import include, path

from decisions.api.docs import api_docs
from decisions.permissions.pages import permissions_page
from decisions.views import home

app_name = "decisions"

urlpatterns = [
    path("", home, name="home"),
    path("", include("decisions.rfcs.urls")),
    path("", include("decisions.meetings.urls")),
    path("", include("decisions.records.urls")),
    path("", include("decisions.precedents.urls")),
    path("", include("decisions.people.urls")),
    path("", include("decisions.search.urls")),
    path("", include("decisions.sources.urls")),
    path("", include("decisions.signoff.urls")),
    path("", include("decisions.graph.urls")),
    path("", include("decisions.drafted.urls")),
    path("api/", api_docs, name="api"),
    path("about/permissions/", permissions_page, name="permissions"),
]
