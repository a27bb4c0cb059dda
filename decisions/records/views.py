"""The decision record pages: the list, the record, its history, its Markdown and the ZIP of every
record, and writing records (create, edit the record; the matrix is in matrix_edit.py).

A record save starts with Decision.claim_version(): of two people editing from the same version,
the later save is refused with a message and their input is shown again, never dropped. Every
save is a revision (decisions.records.history) that the history page shows with its diff.
"""

from __future__ import annotations

import datetime
from typing import Any, NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Max, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST, require_safe

from decisions.accounts import claims
from decisions.accounts.writer import offer_add_me, writer
from decisions.caching import fragments
from decisions.caching.fragments import reads_state
from decisions.caching.pageframe import render_page
from decisions.drafted.pages import drafted_rfcs
from decisions.forms import form_over_current
from decisions.markdown.fields import prerender
from decisions.models import (
    Decision,
    DecisionMeeting,
    DecisionOwner,
    DecisionRevision,
    DecisionStatus,
    Meeting,
    OwnerRole,
    Person,
    Topic,
)
from decisions.permissions import (
    Refused,
    can_create_decision,
    can_create_rfc,
    can_edit_decision,
    waits_for_acceptance,
)
from decisions.records import export as exporting
from decisions.records import from_notes, history, review
from decisions.records import matrix as matrix_module
from decisions.records.editor import editor_context, formsets, get_decision_for_edit, render_edit
from decisions.records.export.archive import zip_bytes
from decisions.records.forms import DecisionFilterForm, DecisionForm, NewDecisionForm
from decisions.records.pages import DecisionPage, decision_page
from decisions.shortcuts import MARKDOWN_CONTENT_TYPE, RECORD_CACHE_SECONDS, action_item_order, filtered_list
from decisions.signoff.pages import Outline, Panel, panel
from decisions.signoff.views import body_vary, bound_cache, panel_context
from decisions.sources.links import record_home
from decisions.sources.models import RecordKind
from decisions.templatetags.shorttext import plain


@require_safe
def decision_list(request: HttpRequest) -> HttpResponse:
    form = DecisionFilterForm(request.GET)
    decisions = (
        Decision.objects.select_related("chosen_option")
        .prefetch_related(Prefetch("ownerships", queryset=DecisionOwner.objects.select_related("person")))
        .annotate(last_discussed=Max("discussions__meeting__date"))
        .order_by("-number")
    )
    can_create = can_create_decision(request.user)
    return filtered_list(request, form, decisions, "decisions/decision_list.html", 50, can_create=can_create)


def _get_decision(number: int) -> Decision:
    return get_object_or_404(Decision.objects.select_related("chosen_option", "supersedes"), number=number)


def _page_and_panel(number: int, now: datetime.datetime) -> tuple[DecisionPage | None, str, Panel | None]:
    """The record's page (one query), its fingerprint and its sign-off panel, ended periods applied."""
    page, rows_key = decision_page(number)
    if page is None:
        return None, "", None
    signoff = panel(page.decision, now, page.rows)
    if signoff.advanced:  # the period's end changed the record's status: read it again
        page, rows_key = decision_page(number)
        if page is None:
            return None, "", None
        signoff.record = page.decision
    return page, rows_key, signoff


class DecisionSummary(NamedTuple):
    """What a decision page reads for every reader (decisions.caching.fragments.cached_apart)."""

    title: str  # for <title>
    read_only: bool  # held in a repository: no edit on the site
    record_key: str  # the fingerprint of the rows the record shows
    outline: Outline  # of its sign-off panel


def _summary(kept: tuple[DecisionPage | None, str, Panel | None]) -> DecisionSummary | None:
    page, rows_key, signoff = kept
    if page is None or signoff is None:
        return None
    decision = page.decision
    read_only = bool(page.home and page.home.read_only)
    return DecisionSummary(
        f"{decision.code}: {plain(decision.title)}", read_only, rows_key, signoff.outline()
    )


@require_safe
@reads_state
def decision_detail(request: HttpRequest, number: int) -> HttpResponse:
    """One query when the record is cached, four when not (the query count `make bench` holds constant).

    The record, and everything it shows besides its matrix, come in one query (decisions.records.pages);
    the rendered record is cached under a fingerprint of those rows, so any change to it, or to a
    meeting, person or precedent it shows, renders it again. Edits to the matrix move the
    record's version. The matrix and the lists are only built when the record is not cached.
    """
    now = timezone.now()
    # The record and its panel under the data state: built again before any write, the page runs
    # no query for them, and makes no model instance while its fragments are cached (a summary
    # of plain values is all it reads: decisions.caching.fragments.cached_apart).
    summary, kept = fragments.cached_apart(
        request, "decision-page", (number,), lambda: _page_and_panel(number, now), _summary
    )
    if (
        summary is not None
        and summary.outline.ends_soonest is not None
        and summary.outline.ends_soonest <= now
    ):
        # Kept before its final comment period ended: end it now (panel() writes) and read again.
        kept = _page_and_panel(number, now)
        summary = _summary(kept)
    if summary is None:
        raise Http404(f"No decision DR-{number:04d}.")
    page = SimpleLazyObject(lambda: kept[0])
    decision = SimpleLazyObject(lambda: page.decision)
    signoff = SimpleLazyObject(lambda: kept[2])
    context = {
        "decision": decision,
        "page_title": summary.title,
        "matrix": SimpleLazyObject(lambda: matrix_module.for_decision(decision)),
        "ownerships": SimpleLazyObject(lambda: page.links.ownerships),
        "areas": SimpleLazyObject(lambda: page.links.areas),
        "rfcs": SimpleLazyObject(lambda: page.links.rfcs),
        "discussions": SimpleLazyObject(lambda: page.links.discussions),
        "citations": SimpleLazyObject(lambda: page.links.citations),
        "status_changes": SimpleLazyObject(lambda: history.timeline(decision, page.links.status_changes)),
        "superseded_by": SimpleLazyObject(
            lambda: sorted(page.links.superseded_by, key=lambda other: -other.number)
        ),
        "pending": SimpleLazyObject(lambda: sorted(page.links.pending, key=lambda ref: (ref.kind, ref.key))),
        "action_items": SimpleLazyObject(lambda: sorted(page.links.action_items, key=action_item_order)),
        "home": SimpleLazyObject(lambda: page.home),
        "drafted_rfcs": SimpleLazyObject(lambda: drafted_rfcs(page.rows)),
        "can_draft_rfc": can_create_rfc(request.user),
        "can_edit": not summary.read_only and can_edit_decision(request.user, decision),
        "signoff": panel_context(request, signoff, outline=summary.outline),
        "record_key": summary.record_key,
        "record_seconds": RECORD_CACHE_SECONDS,
        "revisit_due": SimpleLazyObject(lambda: review.is_due(decision, timezone.localdate())),
    }
    # What differs between readers: the keys of the head and sign-off fragments inside.
    context["body_vary"] = body_vary(
        context["signoff"], context["can_edit"], context["can_draft_rfc"], request.user.pk,
        context["signoff"].get("can_position"),
    )  # fmt: skip
    return bound_cache(render_page(request, "decisions/decision_detail.html", context), summary.outline)


@require_safe
@reads_state
def decision_markdown(request: HttpRequest, number: int) -> HttpResponse:
    def build() -> tuple[str, str]:
        # With its stored file (export.stored): served when still written from the record as it is.
        decision = get_object_or_404(
            Decision.objects.select_related("chosen_option", "supersedes", "stored_markdown"), number=number
        )
        return exporting.decision_to_markdown(decision, request), exporting.decision_filename(decision)

    # The file and its name, kept under the data state like the page's fragments: no row is read
    # while nothing changed (a record that is not there is never kept: build raises 404).
    text, filename = fragments.cached(request, "decision-md", (number,), build)
    response = HttpResponse(text, content_type=MARKDOWN_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
@reads_state
def decision_export_zip(request: HttpRequest) -> HttpResponse:
    """Every record as NNNN-slug.md plus README.md, like an ADR folder in a repository.

    Each record's file and its compressed bytes come stored (export.stored), so the archive is
    laid out, not compressed, and is the same bytes as zipfile would write.
    """
    entries = exporting.export_entries(request=request)
    content = zip_bytes(
        (f"decisions/{name}", text.encode("utf-8"), deflated) for name, text, deflated in entries
    )
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="decisions.zip"'
    return response


STALE_MESSAGE = (
    "Someone else changed this decision (at {time}) after you opened it, so your change was not "
    "saved. The page now shows their version; your input is kept below. Check it and save again."
)


def _stale_message(decision: Decision) -> str:
    current = Decision.objects.only("updated_at").get(pk=decision.pk)
    return STALE_MESSAGE.format(time=timezone.localtime(current.updated_at).strftime("%H:%M:%S"))


@login_required
def decision_new(request: HttpRequest) -> HttpResponse:
    if not can_create_decision(request.user):
        raise Refused("decision.new", what="open a decision record")
    topic = _topic_from(request)
    initial = from_notes.initial_from(request.GET) if request.method == "GET" else {}
    if topic and "context" not in initial:
        initial["context"] = _quote_topic(topic)
    form = NewDecisionForm(request.POST or None, initial=initial)
    # A contributor proposes: the record waits, as proposed, for its owners or an editor.
    proposing = waits_for_acceptance(request.user, "decision.new")
    who = claims.who_step(request.user) if proposing else None
    offer_add_me(form, who)
    status = 200
    if request.method == "POST" and form.is_valid():
        person = writer(form, request.user, who)
        if person is not None or not proposing:
            return _create_decision(request, form, topic, person, proposing)
        status = 422
    opened_from = form["meeting"].value() if topic is None else None
    meeting = Meeting.objects.select_related("series").filter(pk=opened_from).first() if opened_from else None
    context = {"form": form, "topic": topic, "who": who, "from_meeting": meeting}
    return render(request, "decisions/decision_new.html", context, status=status)


def _create_decision(
    request: HttpRequest, form: NewDecisionForm, topic: Topic | None, person: Person | None, proposing: bool
) -> HttpResponse:
    prerender(form.instance)
    with transaction.atomic():
        decision = form.save(commit=False)
        decision.number = (Decision.objects.select_for_update().aggregate(n=Max("number"))["n"] or 0) + 1
        if proposing:
            decision.status = DecisionStatus.PROPOSED
        decision.save()
        decision.record_status("", user=request.user, note="Proposed" if proposing else "Opened")
        if person is not None:
            role = OwnerRole.CONTRIBUTOR if proposing else OwnerRole.OWNER
            DecisionOwner.objects.create(decision=decision, person=person, role=role)
        if topic is not None:
            DecisionMeeting.objects.create(decision=decision, meeting=topic.meeting, topic=topic)
        data = form.cleaned_data
        from_notes.add_from_notes(
            decision,
            options=from_notes.option_names(data.get("options") or ""),
            contributors=data.get("contributors") or [],
            meeting=data.get("meeting") if topic is None else None,
            creator=person,
        )
        history.record(decision, user=request.user, message="Created")
    added = "criteria" if decision.options.exists() else "options and criteria"
    messages.success(request, f"{decision.code} created. Now add its {added}.")
    return redirect("decisions:decision-edit", decision.number)


def _topic_from(request: HttpRequest) -> Topic | None:
    """The meeting topic a new decision starts from (`?topic=` or the hidden field)."""
    value = request.POST.get("topic") or request.GET.get("topic") or ""
    if not value.isdigit():
        return None
    return Topic.objects.select_related("meeting__series").filter(pk=int(value)).first()


def _quote_topic(topic: Topic) -> str:
    lines = [f"From the {topic.meeting.series.name} of {topic.meeting.date:%Y-%m-%d}, “{topic.title}”:", ""]
    remarks = list(topic.remarks.select_related("speaker").order_by("order"))
    spoken = any(r.speaker_id or r.speaker_name for r in remarks)
    for remark in remarks:
        who = remark.speaker.name if remark.speaker else remark.speaker_name
        # A remark the notes give to no one stays the note-taker's, even under a speaker's bullet.
        mark = f"**{who}**: " if who else ("_(note)_ " if spoken else "")
        lines.append("  " * remark.depth + "- " + mark + remark.text.replace("\n", " "))
    if len(lines) == 2 and topic.body:
        lines.extend(topic.body.splitlines())
    return "\n".join(f"> {line}".rstrip() for line in lines) + "\n"


@login_required
def decision_edit(request: HttpRequest, number: int) -> HttpResponse:
    decision = get_decision_for_edit(request, number)
    if request.method != "POST":
        return render_edit(
            request, decision, DecisionForm(instance=decision), formsets(decision, request.user)
        )

    form = DecisionForm(request.POST, instance=decision)
    forms = formsets(decision, request.user, request.POST)
    if not (form.is_valid() and all(f.is_valid() for f in forms.values())):
        return render_edit(request, decision, form, forms, status=422)
    prerender(form.instance, *(f.instance for formset in forms.values() for f in formset.forms))
    with transaction.atomic():
        if not decision.claim_version(form.cleaned_data["version"]):
            return _refuse_stale_record(request, decision, form)
        history.begin(decision)
        decision = form.save(commit=False)
        decision.save()
        form.save_m2m()
        decision.related_rfcs.set(form.cleaned_data["related_rfc_numbers"])
        for formset in forms.values():
            formset.save()
        history.record(decision, user=request.user, message=_what_changed(form, forms))
    messages.success(request, f"{decision.code} saved.")
    return redirect("decisions:decision-edit", decision.number)


def _what_changed(form: DecisionForm, forms: dict[str, Any]) -> str:
    names = [str(form.fields[name].label or name).lower() for name in form.changed_data if name != "version"]
    names += [name for name, formset in forms.items() if formset.has_changed()]
    return f"Edited the record: {', '.join(names)}" if names else "Edited the record"


def _refuse_stale_record(request: HttpRequest, decision: Decision, form: DecisionForm) -> HttpResponse:
    """Show the form again with the person's own input and the current version to save over."""
    form = form_over_current(DecisionForm, request.POST, decision, _stale_message(decision))
    return render_edit(
        request, form.instance, form, formsets(form.instance, request.user, form.data), status=409
    )


# The history --------------------------------------------------------------------------------

REVISIONS_PER_PAGE = 50


def _held_in_repository(decision: Decision) -> bool:
    home = record_home(RecordKind.DECISION, decision.pk)
    return bool(home and home.read_only)


@require_safe
def decision_history(request: HttpRequest, number: int) -> HttpResponse:
    """Every save of the record, newest first, each with who, when, what and its diff."""
    decision = get_object_or_404(Decision, number=number)
    newest_first = decision.revisions.select_related("author").order_by("-number")
    page = Paginator(newest_first, REVISIONS_PER_PAGE).get_page(request.GET.get("page"))
    revisions = list(page.object_list)[::-1]
    before = newest_first.filter(number__lt=revisions[0].number).first() if revisions else None
    entries = history.entries(revisions, before)[::-1]
    # No undo offered for a record its repository holds (decisions.sources.readonly refuses it).
    can_edit = can_edit_decision(request.user, decision) and not _held_in_repository(decision)
    if can_edit and any(entry["revision"].undo for entry in entries):
        now = newest_first.first().state
        for entry in entries:
            entry["restorable"] = history.restorable(entry["revision"], now)
    changes = list(decision.status_changes.select_related("changed_by"))
    context = {
        "decision": decision,
        "entries": entries,
        "page_obj": page,
        "can_edit": can_edit,
        "status_changes": history.timeline(decision, changes),
    }
    return render(request, "decisions/decision_history.html", context)


@login_required
@require_POST
def decision_undo(request: HttpRequest, number: int, revision: int) -> HttpResponse:
    """Put back the option or criterion that revision `revision` removed, with its ratings."""
    decision = get_decision_for_edit(request, number)
    removed = get_object_or_404(DecisionRevision, decision=decision, number=revision)
    error, note = "", ""
    try:
        restoration = history.prepare_restore(decision, removed)  # rendered before the transaction
        with transaction.atomic():
            history.begin(decision)
            note = history.restore(decision, restoration)
            history.record(decision, user=request.user, message=note)
    except history.RestoreError as problem:
        error = str(problem)
    decision.refresh_from_db()
    if request.htmx:
        context = editor_context(decision, matrix_error=error, matrix_note=note)
        return render(
            request, "decisions/decision_edit.html#matrix-editor", context, status=422 if error else 200
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, note)
    if request.POST.get("back") == "history":
        return redirect("decisions:decision-history", decision.number)
    return redirect(f"{decision.get_absolute_url()}edit/#matrix-editor")
