"""The RFC pages: the list, an RFC with its history and Markdown, legacy ids that redirect, and
the editor (for its authors, its shepherd and staff: decisions.permissions).

Each read-only view states its queries, so page cost stays constant as the data grows.
"""

from __future__ import annotations

import datetime
import pickle
import re
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from decisions.caching import datastate, fragments
from decisions.caching.fragments import reads_state
from decisions.caching.pageframe import render_page
from decisions.drafted.pages import DraftedFrom, drafted_from
from decisions.forms import form_over_current
from decisions.markdown.fields import prerender
from decisions.models import RFC, RFCAlias, parse_reference
from decisions.permissions import Refused, can_create_rfc, can_edit_rfc, rfc_statuses_for
from decisions.rfcs.export import rfc_to_markdown
from decisions.rfcs.forms import RFCEditForm, RFCFilterForm, filter_choices
from decisions.rfcs.pages import RFCPage, rfc_list_rows, rfc_page
from decisions.shortcuts import MARKDOWN_CONTENT_TYPE
from decisions.signoff.flow import advance_due
from decisions.signoff.pages import Outline, Panel, panel
from decisions.signoff.views import body_vary, bound_cache, panel_context
from decisions.sources.links import RecordHome, discussion_label, discussion_text
from decisions.sources.models import RecordKind
from decisions.sources.readonly import ensure_editable


@require_safe
@reads_state
def rfc_list(request: HttpRequest) -> HttpResponse:
    """One query (the data state) when the filters and the results are cached, four when not.

    Both are fragments cached under the data state and the query string (decisions.caching
    .fragments), so an edit anywhere shows at once; the form (hundreds of author options), the
    COUNT and the page's rows are read only when a fragment is rendered. The page's RFCs,
    authors and areas come in one query (decisions.rfcs.pages).
    """
    form = SimpleLazyObject(
        lambda: RFCFilterForm(
            request.GET, choices=fragments.cached(request, "rfc-filter-choices", (), filter_choices)
        )
    )
    # The series filter only appears once another series (PEPs, KEPs...) has been imported;
    # series > '' reads the series index instead of scanning every row.
    series_shown = SimpleLazyObject(
        lambda: (
            bool(request.GET.get("series"))
            or fragments.cached(request, "rfc-other-series", (), RFC.objects.filter(series__gt="").exists)
        )
    )

    def page() -> Page:
        found = Paginator(form.filter(RFC.objects.all()), settings.RFCS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        rows, _ = rfc_list_rows(list(found.object_list.values_list("pk", flat=True)))
        found.object_list = rows.rfcs
        return found

    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": SimpleLazyObject(page),
        "query": query.urlencode(),
        "filtered": SimpleLazyObject(lambda: form.is_filtered()),
        "series_choices_shown": series_shown,
        # The same filters in another order are the same page.
        "list_vary": sorted(request.GET.lists()),
        "can_create": can_create_rfc(request.user),
    }
    template = "decisions/rfc_list.html"
    return render(request, f"{template}#results" if request.htmx else template, context)


def get_rfc(number: int, series: str = "") -> RFC:
    """The RFC at /rfcs/<number>/ (the site's own) or /rfcs/<series>/<number>/, or a 404."""
    return get_object_or_404(
        RFC.objects.select_related("shepherd", "supersedes"), series=series, number=number
    )


@require_safe
def rfc_alias(request: HttpRequest, alias: str) -> HttpResponse:
    """Legacy ids keep working: /rfcs/pep-8/, /rfcs/KEP-625/, /rfcs/0001-private-fields/ redirect."""
    rfc = RFC.objects.by_reference(alias).only("series", "number").first()
    if rfc is None:
        found = RFCAlias.objects.filter(alias=RFCAlias.normalise(alias)).select_related("rfc").first()
        if found is None:
            raise Http404(f"No RFC is known as {alias!r}.")
        rfc = found.rfc
    return redirect(rfc, permanent=True)


@dataclass
class RFCObjects:
    """The RFC page's records: what its fragments render from, and a signed-in reader's
    permissions read. Each request unpickles its own copy, and only when something reads one."""

    rfc: RFC
    home: RecordHome | None
    drafted: DraftedFrom | None
    signoff: Panel


class RFCFacts(NamedTuple):
    """What every reader of an RFC page needs, kept under the data state: plain values nothing
    can change, so the cached value is shared by requests without a copy
    (decisions.caching.fragments), and the records themselves pickled (`objects`), read only to
    render a fragment or a signed-in reader's permissions."""

    label: str
    title: str
    read_only: bool
    editor_user_ids: frozenset[int]
    drafted: bool
    discussion_label: str
    discussion_text: str
    outline: Outline
    objects: bytes

    @classmethod
    def of(cls, objects: RFCObjects, editor_user_ids: set[int]) -> RFCFacts:
        rfc = objects.rfc
        return cls(
            rfc.label, rfc.title, bool(objects.home and objects.home.read_only), frozenset(editor_user_ids),
            objects.drafted is not None, discussion_label(rfc.discussion_url),
            discussion_text(rfc.discussion_url), objects.signoff.outline(),
            pickle.dumps(objects, pickle.HIGHEST_PROTOCOL),
        )  # fmt: skip

    def unpickled(self) -> RFCObjects:
        """This request's own copy of the records."""
        return pickle.loads(self.objects)

    def due(self, now: datetime.datetime) -> bool:
        """A final comment period shown as running has ended: the panel must advance it."""
        ends = self.outline.ends_soonest
        return ends is not None and ends <= now


@require_safe
@reads_state
def rfc_detail(request: HttpRequest, number: int, series: str = "") -> HttpResponse:
    """One trivial query (the data state) when the data did not change since the page was last
    built, for visitors and signed-in people alike: the facts every reader needs come from the
    cache, and the text, lists and sign-off motion from fragments cached under the same state.
    When it changed: the RFC, its lists and its sign-off panel in one query (decisions.rfcs.pages),
    and its text in a second.
    """
    now = timezone.now()
    loaded: dict[str, RFCPage] = {}
    built: dict[str, RFCObjects] = {}

    def page() -> RFCPage:
        """The page's rows, read at most once per request."""
        if "page" not in loaded:
            found, _ = rfc_page(series, number)
            if found is None:
                raise Http404(f"No {RFC(series=series, number=number).label}.")
            loaded["page"] = found
        return loaded["page"]

    def facts() -> RFCFacts:
        current = page()
        signoff = panel(current.rfc, now, current.rows)
        if signoff.advanced:  # the period's end changed the RFC's status: read it again
            loaded.clear()
            # A write moved the state: this request's fragments must not be the old ones.
            fragments.remember(request, datastate.current())
            current = page()
            signoff.record = current.rfc
        rfc = current.rfc
        objects = RFCObjects(
            rfc=rfc,
            home=current.home,
            drafted=drafted_from(current.rows, rfc, bool(current.home and current.home.read_only)),
            signoff=signoff,
        )
        built["objects"] = objects  # this request built them: no copy needed
        return RFCFacts.of(objects, current.editor_user_ids)

    known = fragments.cached(request, "rfc-facts", (series, number), facts)
    if known.due(now):
        known = facts()  # advances the motion (a write); cached under the new state next time
    # The records, unpickled only when read: a page whose fragments are cached, read by a
    # visitor, never needs them.
    objects = SimpleLazyObject(lambda: built.get("objects") or known.unpickled())
    rfc = SimpleLazyObject(lambda: objects.rfc)
    references = SimpleLazyObject(lambda: metadata_references(rfc))
    can_edit = not known.read_only and can_edit_rfc(request.user, rfc, editor_user_ids=known.editor_user_ids)
    context = {
        "rfc": rfc,
        "page_title": f"{known.label}: {known.title}",
        # Only read to render the fragments, when they are not in the cache.
        "body_html": SimpleLazyObject(lambda: RFC.objects.values_list("body_html", flat=True).get(pk=rfc.pk)),
        "authors": SimpleLazyObject(lambda: page().authors),
        "areas": SimpleLazyObject(lambda: page().areas),
        "superseded_by": SimpleLazyObject(lambda: page().superseded_by),
        "decisions": SimpleLazyObject(lambda: page().decisions),
        "meetings": SimpleLazyObject(lambda: page().meetings),
        "status_changes": SimpleLazyObject(lambda: page().status_changes),
        "metadata": SimpleLazyObject(
            lambda: metadata_rows(rfc, bool(rfc.supersedes_id or page().superseded_by), references)
        ),
        "aliases": SimpleLazyObject(lambda: page().aliases),
        # Held in a repository that is its place of record: "Edit in the repository" instead.
        "home": SimpleLazyObject(lambda: objects.home),
        "discussion_label": known.discussion_label,
        "discussion_text": known.discussion_text,
        "can_edit": can_edit,
        # Drafted from a decision: the link, and the block the site could not write, if any.
        "drafted": SimpleLazyObject(lambda: objects.drafted) if known.drafted else None,
        "signoff": panel_context(
            request,
            SimpleLazyObject(lambda: objects.signoff),
            editor_user_ids=known.editor_user_ids,
            outline=known.outline,
        ),
    }
    # What differs between readers: the edit controls and the sign-off panel's own key.
    context["body_vary"] = body_vary(context["signoff"], can_edit)
    return bound_cache(render_page(request, "decisions/rfc_detail.html", context), known.outline)


def metadata_references(rfc: RFC) -> tuple[dict[str, tuple[str, int]], set[tuple[str, int]]]:
    """The references among an imported RFC's header values ("pep-205", "KEP-178"), and which of
    them this site has: one query, and only for an RFC whose header has references."""
    wanted: dict[str, tuple[str, int]] = {}
    for key, value in (rfc.metadata or {}).items():
        if key not in REFERENCE_KEYS:
            continue
        for text in map(str, value if isinstance(value, list) else [value]):
            reference = parse_reference(text)
            if reference:
                wanted[text] = (reference[0] or (rfc.series if text.isdigit() else ""), reference[1])
    if not wanted:
        return wanted, set()
    query = Q()
    for series, number in wanted.values():
        query |= Q(series=series, number=number)
    return wanted, set(RFC.objects.filter(query).values_list("series", "number"))


def metadata_rows(
    rfc: RFC, linked: bool, references: tuple[dict[str, tuple[str, int]], set[tuple[str, int]]]
) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Header values of an imported RFC as (label, [(text, link)]).

    URLs link, also inside "date (url)"; a reference to another RFC links only when this site
    has it (`references`, from metadata_references); a mapping reads as "key: value".
    Replaces / Superseded-By are left out when they became real links above.
    """
    wanted, known = references
    rows = []
    for key, value in (rfc.metadata or {}).items():
        if linked and key in {"Replaces", "Superseded by"}:
            continue
        if isinstance(value, dict):
            value = [f"{name}: {item}" for name, item in value.items()]
        shown = []
        for text in map(str, value if isinstance(value, list) else [value]):
            url = URL_IN_TEXT.search(text)
            if key in REFERENCE_KEYS and text in wanted:
                target = RFC(series=wanted[text][0], number=wanted[text][1])
                shown.append((target.label, target.get_absolute_url() if wanted[text] in known else None))
            elif url:
                shown.append((text[: url.start()].strip(" (") or url.group(0), url.group(0)))
            else:
                shown.append((text, None))
        rows.append((key, shown))
    return rows


URL_IN_TEXT = re.compile(r"https?://[^\s()<>]+")
REFERENCE_KEYS = {"See also", "Replaces", "Superseded by", "Requires"}


@require_safe
@reads_state
def rfc_history(request: HttpRequest, number: int, series: str = "") -> HttpResponse:
    """Three queries when the data changed, none besides the data state when not: the revisions
    and their diffs are the same for everyone, so they are rendered once per data state."""

    def build() -> dict[str, str]:
        rfc = get_rfc(number, series)  # a 404 is raised, and nothing cached
        revisions = list(rfc.revisions.select_related("author").order_by("number"))
        entries = []
        for index, revision in enumerate(revisions):
            diff = revision.diff_from(revisions[index - 1] if index else None)
            added = sum(kind == "add" for kind, _ in diff)
            removed = sum(kind == "del" for kind, _ in diff)
            entries.append({"revision": revision, "diff": diff, "added": added, "removed": removed})
        entries.reverse()
        context = {
            "rfc": rfc,
            "entries": entries,
            "status_changes": list(rfc.status_changes.select_related("changed_by")),
        }
        return {
            "title": f"History of {rfc.label}",
            # Rendered HTML (a SafeString, kept as one in the cache).
            "content": render_to_string("decisions/partials/rfc_history_content.html", context),
        }

    page = SimpleLazyObject(lambda: fragments.cached(request, "rfc-history", (series, number), build))
    # The same for every reader: the whole page is kept in its frame (decisions.caching.pageframe),
    # and its parts are read only when it is not (a 404 then, for an RFC that is not there).
    context = {
        "title": SimpleLazyObject(lambda: page["title"]),
        "content": SimpleLazyObject(lambda: page["content"]),
        "body_vary": (),
    }
    return render_page(request, "decisions/rfc_history.html", context, first=lambda: page["title"])


@require_safe
def rfc_markdown(request: HttpRequest, number: int, series: str = "") -> HttpResponse:
    rfc = get_rfc(number, series)
    rfc_with_people = RFC.objects.prefetch_related("authors", "areas").get(pk=rfc.pk)
    return HttpResponse(rfc_to_markdown(rfc_with_people), content_type=MARKDOWN_CONTENT_TYPE)


STALE_MESSAGE = (
    "Someone else saved this RFC (at {time}) after you opened it, so your change was not saved. "
    "Your text is kept below; their version is on the RFC's page and in its history. "
    "Merge what you need and save again."
)


@login_required
def rfc_edit(request: HttpRequest, number: int, series: str = "") -> HttpResponse:
    """Title, status, text and links of an RFC; every save is a revision with a message."""
    rfc = get_rfc(number, series)
    if advance_due(rfc, timezone.now()):  # a period that ended may have changed its status
        rfc = get_rfc(number, series)
    if not can_edit_rfc(request.user, rfc):
        raise Refused("rfc.edit", what=f"edit {rfc.label}", record=rfc)
    ensure_editable(RecordKind.RFC, rfc.pk, rfc.label)
    statuses = rfc_statuses_for(request.user, rfc)
    if request.method != "POST":
        return _render(request, rfc, RFCEditForm(instance=rfc, statuses=statuses))
    form = RFCEditForm(request.POST, instance=rfc, statuses=statuses)
    if not form.is_valid():
        return _render(request, rfc, form, status=422)
    prerender(form.instance)
    with transaction.atomic():
        if not rfc.claim_version(form.cleaned_data["version"]):
            return _refuse_stale(request, rfc)
        rfc = form.save(commit=False)
        note = form.cleaned_data["message"]
        rfc.record_change(user=request.user, message=note, note=note)
        form.save_m2m()
    messages.success(request, f"{rfc.label} saved.")
    return redirect(rfc)


def _refuse_stale(request: HttpRequest, rfc: RFC) -> HttpResponse:
    """The person's own input comes back with the current version, ready to save over."""

    def message(current: RFC) -> str:
        return STALE_MESSAGE.format(time=timezone.localtime(current.updated_at).strftime("%H:%M:%S"))

    statuses = rfc_statuses_for(request.user, rfc)
    form = form_over_current(partial(RFCEditForm, statuses=statuses), request.POST, rfc, message)
    return _render(request, form.instance, form, status=409)


def _render(request: HttpRequest, rfc: RFC, form: RFCEditForm, status: int = 200) -> HttpResponse:
    return render(request, "decisions/rfc_edit.html", {"rfc": rfc, "form": form}, status=status)
