"""The decision record routes: pages, exports, the editor and its matrix, feed and API."""

from __future__ import annotations

from django.urls import path

from decisions.records import api, feeds, matrix_edit, review, views
from decisions.records.ratings import api as ratings_api
from decisions.records.ratings import views as ratings

urlpatterns = [
    path("decisions/", views.decision_list, name="decision-list"),
    path("decisions/new/", views.decision_new, name="decision-new"),
    path("decisions/export.zip", views.decision_export_zip, name="decision-export-zip"),
    path("decisions/export.csv", api.decision_export_csv, name="decision-export-csv"),
    path("decisions/feed/", feeds.DecisionFeed(), name="decision-feed"),
    path("decisions/review/", review.review_list, name="decision-review"),
    path("decisions/review/feed/", review.ReviewFeed(), name="decision-review-feed"),
    path("decisions/<int:number>/", views.decision_detail, name="decision-detail"),
    path("decisions/<int:number>.md", views.decision_markdown, name="decision-markdown"),
    path("decisions/<int:number>/edit/", views.decision_edit, name="decision-edit"),
    path("decisions/<int:number>/matrix/", matrix_edit.decision_matrix, name="decision-matrix"),
    path("decisions/<int:number>/ratings/", ratings.decision_ratings, name="decision-ratings"),
    path("decisions/<int:number>/ratings/rate/", ratings.ratings_rate, name="decision-ratings-rate"),
    path("decisions/<int:number>/ratings/submit/", ratings.ratings_submit, name="decision-ratings-submit"),
    path("decisions/<int:number>/ratings/invite/", ratings.ratings_invite, name="decision-ratings-invite"),
    path("decisions/<int:number>/ratings/reveal/", ratings.ratings_reveal, name="decision-ratings-reveal"),
    path("decisions/<int:number>/ratings/agenda/", ratings.ratings_agenda, name="decision-ratings-agenda"),
    path("decisions/<int:number>/ratings.csv", ratings_api.decision_ratings_csv, name="decision-ratings-csv"),
    path("decisions/<int:number>/history/", views.decision_history, name="decision-history"),
    path("decisions/<int:number>/history/<int:revision>/undo/", views.decision_undo, name="decision-undo"),
    path("api/decisions/", api.decision_list, name="decision-api-list"),
    path("api/decisions/<int:number>/", api.decision_detail, name="decision-api-detail"),
    path(
        "api/decisions/<int:number>/ratings/", ratings_api.decision_ratings_api, name="decision-ratings-api"
    ),
]
