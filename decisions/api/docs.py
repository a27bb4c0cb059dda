"""The API's documentation page (/api/): every endpoint with its parameters and an example answer."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from decisions.api.plumbing import MAX_PER_PAGE, PER_PAGE

SITE = "https://rfcs.example.org"
_PAGE_PARAMS = [
    ("page", "Page number, from 1 (default 1). A page past the last one is a 400."),
    (
        "per_page",
        f"Results per page, 1 to {MAX_PER_PAGE} (default {PER_PAGE}); more is capped at {MAX_PER_PAGE}.",
    ),
]


def _envelope(path: str, result: dict, count: int = 42) -> dict:
    return {
        "count": count,
        "page": 1,
        "pages": -(-count // PER_PAGE),
        "next": f"{SITE}{path}?page=2" if count > PER_PAGE else None,
        "previous": None,
        "results": [result],
    }


_PERSON = {
    "name": "Till Schneidereit",
    "slug": "till-schneidereit",
    "url": f"{SITE}/people/till-schneidereit/",
}
_RFC = {
    "number": 12,
    "series": "",
    "label": "RFC 12",
    "title": "Shared WASI implementations",
    "status": "accepted",
    "status_label": "Accepted",
    "authors": [_PERSON],
    "shepherd": None,
    "areas": [{"slug": "wasi", "name": "wasi"}],
    "created": "2023-03-30",
    "updated": "2024-01-15T09:30:00Z",
    "discussion_url": "https://github.com/bytecodealliance/rfcs/pull/12",
    "url": f"{SITE}/rfcs/12/",
    "api_url": f"{SITE}/api/rfcs/12/",
}
_RFC_REF = {key: _RFC[key] for key in ("number", "series", "label", "title", "status", "url", "api_url")}
_DECISION = {
    "number": 7,
    "code": "DR-0007",
    "title": "Where do shared WASI implementations live?",
    "status": "accepted",
    "status_label": "Accepted",
    "owners": [{**_PERSON, "role": "owner"}],
    "areas": [{"slug": "wasi", "name": "wasi"}],
    "chosen_option": "In-tree subproject",
    "decided_on": "2023-04-20",
    "revisit_by": "2025-04-20",
    "last_discussed": "2023-04-13",
    "created": "2023-03-30T12:00:00Z",
    "updated": "2023-04-20T16:02:11Z",
    "url": f"{SITE}/decisions/7/",
    "api_url": f"{SITE}/api/decisions/7/",
}
_DECISION_REF = {key: _DECISION[key] for key in ("number", "code", "title", "status", "url", "api_url")}
_MEETING = {
    "id": 31,
    "title": "Wasmtime project call",
    "date": "2023-03-30",
    "series": {"name": "Wasmtime project call", "slug": "wasmtime-project-call"},
    "topic_count": 3,
    "attendee_count": 9,
    "url": f"{SITE}/meetings/31/",
    "api_url": f"{SITE}/api/meetings/31/",
}
_MEETING_REF = {
    **{k: _MEETING[k] for k in ("id", "title", "date", "url", "api_url")},
    "series": "Wasmtime project call",
}
_PRECEDENT = {
    "id": 4,
    "title": "Kubernetes: moving in-tree cloud providers out of tree",
    "slug": "kubernetes-moving-in-tree-cloud-providers-out-of-tree",
    "organization": "Kubernetes",
    "kind": "proposal",
    "kind_label": "Proposal",
    "date": "2019-02-01",
    "external_url": "https://github.com/kubernetes/enhancements/issues/2395",
    "citation_count": 2,
    "url": f"{SITE}/precedents/4/",
    "api_url": f"{SITE}/api/precedents/4/",
}
_CELL = {
    "criterion_id": 3,
    "criterion": "Stability",
    "rating": 1,
    "label": "For",
    "weighted": 5,
    "note": "Feature-flagged",
}


_MOTION = {
    "id": 3,
    "record": _RFC_REF,
    "disposition": "accept",
    "state": "fcp",
    "state_label": "Final comment period",
    "needs": 0,
    "proposed_by": _PERSON,
    "proposed_at": "2024-01-02T10:00:00Z",
    "summary": "Ship it as written.",
    "summary_html": "<p>Ship it as written.</p>\n",
    "rule": {"kind": "majority", "max_outstanding": 2, "min_teams": 2, "fcp_days": 10, "auto_apply": True},
    "fcp_starts_at": "2024-01-05T09:30:00Z",
    "fcp_ends_at": "2024-01-15T09:30:00Z",
    "fcp_runs": 1,
    "closed_at": None,
    "applied": False,
    "withdrawn_note": None,
    "teams": [
        {
            "name": "Wasmtime core",
            "slug": "wasmtime-core",
            "needs": 0,
            "members": [{"person": _PERSON, "position": "approve"}],
        }
    ],
    "positions": [
        {"person": _PERSON, "number": 1, "position": "approve", "note": None, "concern": None,
         "at": "2024-01-05T09:30:00Z"}
    ],
    "concerns": [
        {"id": 4, "name": "migration cost", "text": "Embedders migrate at once.", "raised_by": _PERSON,
         "raised_at": "2024-01-03T12:00:00Z", "resolved_at": "2024-01-04T08:00:00Z", "resolved_by": "Till Schneidereit",
         "resolution": "A deprecation window was added."}
    ],
    "url": f"{SITE}/motions/3/",
    "api_url": f"{SITE}/api/motions/3/",
}  # fmt: skip


@dataclass
class Endpoint:
    path: str
    title: str
    description: str
    params: list[tuple[str, str]] = field(default_factory=list)
    example: dict = field(default_factory=dict)

    @property
    def anchor(self) -> str:
        return self.path.strip("/").replace("/", "-").replace("<", "").replace(">", "")

    @property
    def example_json(self) -> str:
        return json.dumps(self.example, indent=2, ensure_ascii=False)


ENDPOINTS = [
    Endpoint(
        "/api/rfcs/",
        "RFCs",
        "RFCs in the order and with the filters of the RFC list page.",
        [
            ("q", "Title words, an RFC number such as 12, or an id in another series such as PEP 8."),
            ("series", "site (this site's own RFCs), rust, pep or kep."),
            (
                "status",
                "draft, proposed, fcp, accepted, rejected, postponed, withdrawn, implemented or superseded.",
            ),
            ("area", "An area slug, e.g. wasi."),
            ("author", "A person's slug; only people who authored an RFC."),
            ("sort", "-number (default), number, -updated, title or status."),
            *_PAGE_PARAMS,
        ],
        _envelope("/api/rfcs/", _RFC),
    ),
    Endpoint(
        "/api/rfcs/<number>/",
        "One RFC",
        "Everything in the list entry, plus the text (Markdown and sanitized HTML), sections, history "
        "and links, and the decision it was drafted from. RFCs of an imported series are at /api/rfcs/<series>/<number>/ (e.g. /api/rfcs/pep/8/).",
        [],
        {
            **_RFC,
            "supersedes": None,
            "superseded_by": [],
            "sections": [{"title": "Summary", "anchor": "summary", "level": 1}],
            "body": "# Summary\n\nMove the shared WASI implementations into one place.\n",
            "body_html": '<h1 id="summary">Summary</h1>\n<p>Move the shared WASI implementations into one place.</p>\n',
            "body_format": "markdown",
            "metadata": {},
            "aliases": [],
            "markdown_url": f"{SITE}/rfcs/12.md",
            "history_url": f"{SITE}/rfcs/12/history/",
            "status_changes": [
                {"from": None, "to": "draft", "changed_at": "2023-03-30T12:00:00Z", "note": ""},
                {
                    "from": "draft",
                    "to": "accepted",
                    "changed_at": "2024-01-15T09:30:00Z",
                    "note": "FCP ended",
                },
            ],
            "decisions": [_DECISION_REF],
            "meetings": [_MEETING_REF],
            "motion": _MOTION,
            # Drafted from a decision record (None when not): its generated "Rationale and
            # alternatives" block is "in sync", "edited" by the author, in "conflict" (`pending` is the
            # decision's newer block the site did not write), "missing" or "held in repository".
            "drafted_from": {
                **_DECISION_REF,
                "block": "in sync",
                "pending": None,
                "synced_at": "2024-01-16T10:00:00Z",
            },
        },
    ),
    Endpoint(
        "/api/decisions/",
        "Decision records",
        "Decision records, newest number first, with the filters of the decisions page.",
        [
            ("status", "open, proposed, accepted, rejected, deferred or superseded."),
            ("owner", "A person's slug; only people who own a record."),
            ("area", "An area slug."),
            *_PAGE_PARAMS,
        ],
        _envelope("/api/decisions/", _DECISION),
    ),
    Endpoint(
        "/api/decisions/<number>/",
        "One decision record",
        "The record with its options matrix: criteria and weights, every assessment, each option's "
        "weighted total and rank (the same numbers as the page), the chosen option, and the RFCs "
        "drafted from it; the sensitivity object: "
        "for the chosen option (or the leader while none is), the weights of each criterion at which it "
        "stays first, the smallest single weight or rating change that would put another option first "
        "(steps, and which option), and whether it is a close call (a tie, or a lead under a tenth of "
        "the best possible total).",
        [],
        {
            **_DECISION,
            "context": "Every embedder writes the same glue today.",
            "context_html": "<p>Every embedder writes the same glue today.</p>\n",
            "rationale_html": "<p>Reviewed once, shipped with the CLI.</p>\n",
            "consequences_html": "",
            "matrix": {
                "criteria": [{"id": 3, "name": "Stability", "description": "", "weight": 5}],
                "options": [
                    {
                        "id": 10,
                        "name": "In-tree subproject",
                        "summary": "",
                        "chosen": True,
                        "total": 5,
                        "rank": 1,
                        "why_not": None,
                        "assessments": [_CELL],
                    }
                ],
                "chosen_option": "In-tree subproject",
                "max_total": 10,
                "complete": True,
            },
            "supersedes": None,
            "superseded_by": [],
            "related_rfcs": [_RFC_REF],
            "discussed_in": [
                {
                    "meeting": _MEETING_REF,
                    "topic": "Shared WASI implementations",
                    "topic_url": f"{SITE}/meetings/31/#t1-shared-wasi-implementations",
                }
            ],
            "precedents": [
                {
                    **{k: _PRECEDENT[k] for k in ("id", "title", "external_url", "url", "api_url")},
                    "note": "The same move, from in-tree to shared.",
                }
            ],
            "status_changes": [{"from": "open", "to": "accepted", "changed_on": "2023-04-20", "note": ""}],
            "markdown_url": f"{SITE}/decisions/7.md",
            "motion": None,
            # How robust the outcome is (decisions.records.sensitivity); null without a matrix.
            "sensitivity": {
                "option": "In-tree subproject",
                "basis": "chosen",
                "first": True,
                "total": 5,
                "runner_up": None,
                "margin": None,
                "best_possible": 10,
                "tied_with": [],
                "close_call": False,
                "weight_ranges": [
                    {
                        "criterion": "Stability",
                        "weight": 5,
                        "stays_first_from": 0,
                        "stays_first_to": 10,
                        "below": None,
                        "above": None,
                    }
                ],
                "smallest_weight_change": None,
                "smallest_rating_change": None,
                "smallest_change": None,
                "summary": "In-tree subproject is the only option.",
                "sentence": "No other option can come first.",
            },
        },
    ),
    Endpoint(
        "/api/decisions/<number>/ratings/",
        "Independent ratings of a decision",
        "Each rater's sheet as the caller may see it: a sheet still blind to the caller has "
        "`ratings: null` (their own always shows; others once the caller submitted and they did, or "
        "once the owners revealed). `consensus` is null until the caller may compare: per cell the "
        "median (x.5 for an even count), lowest and highest rating, the record's own rating, who is "
        "farthest from the median, and whether it is a discussion point (spread of "
        "`disagreement_spread` steps or more). The same as CSV: /decisions/<number>/ratings.csv.",
        [],
        {
            **_DECISION_REF,
            "revealed": True,
            "revealed_at": "2024-01-15T09:30:00Z",
            "disagreement_spread": 2,
            "sheets": [
                {
                    "person": "Ana",
                    "state": "submitted",
                    "submitted_at": "2024-01-14T10:00:00Z",
                    "revised_at": None,
                    "ratings": [
                        {
                            "option": "In-tree subproject",
                            "criterion": "Stability",
                            "rating": 2,
                            "submitted_rating": 2,
                        }
                    ],
                }
            ],
            "consensus": {
                "voters": 2,
                "rows": [
                    {
                        "option": "In-tree subproject",
                        "weighted_total": 2.5,
                        "recorded_total": 10,
                        "cells": [
                            {
                                "criterion": "Stability",
                                "median": 0.5,
                                "low": -1,
                                "high": 2,
                                "recorded": 2,
                                "farthest": ["Ana", "Ben"],
                                "discussion_point": True,
                            }
                        ],
                    }
                ],
            },
            "page_url": f"{SITE}/decisions/7/ratings/",
            # RFCs drafted from it; `block_waiting`: the RFC's text differs from the matrix's block.
            "drafted_rfcs": [{**_RFC_REF, "block_waiting": False}],
        },
    ),
    Endpoint(
        "/api/meetings/",
        "Meetings",
        "Meetings, newest first, with the filters of the meetings page.",
        [
            ("q", "Words in the title or a topic title."),
            ("series", "A series slug, e.g. wasmtime-project-call."),
            ("year", "A year that has meetings, e.g. 2023."),
            *_PAGE_PARAMS,
        ],
        _envelope("/api/meetings/", _MEETING),
    ),
    Endpoint(
        "/api/meetings/<id>/",
        "One meeting",
        "The meeting with its attendees, speakers, topics (with how many remarks each and who spoke), "
        "action items, links, and the notes as submitted (Markdown).",
        [],
        {
            **_MEETING,
            "agenda_html": "",
            "notes": "## Shared WASI implementations\n\n- **Till**: should it live in-tree?\n",
            "attendees": [_PERSON],
            "speakers": [_PERSON],
            "topics": [
                {
                    "order": 1,
                    "title": "Shared WASI implementations",
                    "anchor": "t1-shared-wasi-implementations",
                    "url": f"{SITE}/meetings/31/#t1-shared-wasi-implementations",
                    "remark_count": 4,
                    "speakers": [_PERSON],
                    "loose": False,
                }
            ],
            "action_items": [
                {
                    "id": 5,
                    "owner": _PERSON,
                    "owner_name": "Till",
                    "text": "Get the RFC written",
                    "due_on": "2023-04-20",
                    "status": "open",
                    "decision": _DECISION_REF,
                }
            ],
            "links": [{"url": "https://github.com/bytecodealliance/rfcs/pull/12", "text": "RFC 12"}],
            "rfcs": [_RFC_REF],
            "decisions": [_DECISION_REF],
        },
    ),
    Endpoint(
        "/api/precedents/",
        "Precedents",
        "Decisions and migrations elsewhere that ours learn from, newest first. The precedent's own "
        "address is `external_url`; `url` is its page here.",
        [("kind", "proposal, blog-post, issue, rfc or paper."), *_PAGE_PARAMS],
        _envelope("/api/precedents/", _PRECEDENT, count=6),
    ),
    Endpoint(
        "/api/precedents/<id>/",
        "One precedent",
        "The precedent with its summary and lessons (Markdown and sanitized HTML) and the decision "
        "records that cite it.",
        [],
        {
            **_PRECEDENT,
            "summary": "Providers moved out of the main repository.",
            "summary_html": "<p>Providers moved out of the main repository.</p>\n",
            "lessons": "",
            "lessons_html": "",
            "cited_by": [{**_DECISION_REF, "note": "The same move, from in-tree to shared."}],
        },
    ),
    Endpoint(
        "/api/motions/",
        "Motions",
        "Motions to decide an RFC or a decision record (open ones unless `state` says otherwise), the "
        "period ending soonest first. Times are ISO 8601 in UTC: `fcp_starts_at` and `fcp_ends_at` "
        "are the running final comment period (null when none runs). Each RFC and decision answer "
        "has its open (or latest) motion under `motion`.",
        [
            ("state", "review, blocked, fcp, ended, withdrawn, or all (default: the open ones)."),
            ("disposition", "accept, close or postpone."),
            ("record", "rfc or decision."),
            ("team", "A team's slug: motions that ask it."),
            *_PAGE_PARAMS,
        ],
        _envelope("/api/motions/", _MOTION, count=2),
    ),
    Endpoint(
        "/api/motions/<id>/",
        "One motion",
        "The motion with its rule, the teams asked and each member's latest position, every position "
        "ever recorded (oldest first) and every concern, resolved or not.",
        [],
        _MOTION,
    ),
    Endpoint(
        "/api/search/",
        "Search",
        "Full-text search over RFCs, meetings, decisions and precedents, best match first, with "
        "excerpts in which the matched words are wrapped in <mark>.",
        [
            (
                "q",
                'Words; "a quoted phrase"; -word to exclude; or between alternatives. Empty finds nothing.',
            ),
            (
                "kind",
                "Only these kinds: rfc, meeting, decision, precedent (repeat it or separate by commas).",
            ),
            *_PAGE_PARAMS,
        ],
        _envelope(
            "/api/search/",
            {
                "kind": "rfc",
                "kind_label": "RFC",
                "title": "RFC 12: Shared WASI implementations",
                "title_html": "RFC 12: Shared <mark>WASI</mark> implementations",
                "snippet_html": "Move the shared <mark>WASI</mark> implementations into one place.",
                "date": "2023-03-30",
                "rank": 0.75,
                "url": f"{SITE}/rfcs/12/",
                "api_url": f"{SITE}/api/rfcs/12/",
            },
            count=3,
        ),
    ),
]


@require_safe
def api_docs(request: HttpRequest) -> HttpResponse:
    context = {"endpoints": ENDPOINTS, "max_per_page": MAX_PER_PAGE, "per_page": PER_PAGE}
    return render(request, "decisions/api.html", context)
