"""The action items pages: the list across all meetings (filtered by status and owner) and
changing one item's status, refused when someone else changed it since the page was opened."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from decisions.caching import fragments
from decisions.caching.fragments import reads_state
from decisions.models import ActionItem, ActionItemStatus, Person
from decisions.permissions import Refused, can_change_action_item, held_role
from decisions.shortcuts import lazy_page


@require_safe
@reads_state
def action_item_list(request: HttpRequest) -> HttpResponse:
    """The filters and the items are fragments cached under the data state: no query but the
    state's when both are cached. The items' forms differ by who may change which item, so
    their fragment is kept per edit scope (_edit_scope), with each request's own CSRF token
    (`{% statecache ... csrf %}`)."""
    status = request.GET.get("status", ActionItemStatus.OPEN)
    owner = request.GET.get("owner")

    def paginator() -> Paginator:
        items = ActionItem.objects.select_related("owner", "meeting__series", "decision").order_by(
            F("owner__name").asc(nulls_last=True), F("due_on").asc(nulls_last=True), "pk"
        )
        if status in ActionItemStatus.values:
            items = items.filter(status=status)
        if owner:
            items = items.filter(owner__slug=owner)
        return Paginator(items, 100)

    def owners() -> list[tuple[str, str]]:
        people = Person.objects.filter(action_items__isnull=False).distinct().order_by("name", "pk")
        return list(people.values_list("slug", "name"))

    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": lazy_page(paginator, request.GET.get("page")),
        "query": query.urlencode(),
        "status": status,
        "statuses": ActionItemStatus.choices,
        "owners": SimpleLazyObject(lambda: fragments.cached(request, "action-item-owners", (), owners)),
        "owner": owner,
        "edit_scope": _edit_scope(request.user),
    }
    return render(request, "decisions/action_item_list.html", context)


def _edit_scope(user: Any) -> object:
    """What decides which items' status forms this account sees (can_change_action_item):
    none for a visitor, every item for editors and staff, else the items its person owns."""
    if not user.is_authenticated:
        return "none"
    if held_role(user, "action-item.status") is not None:
        return "all"
    return ("user", user.pk)


@login_required
@require_POST
def action_item_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ActionItem.objects.select_related("owner", "meeting__series", "decision"), pk=pk)
    if not can_change_action_item(request.user, item):
        raise Refused("action-item.status", what="change this action item", record=item)
    status = request.POST.get("status")
    if status not in ActionItemStatus.values:
        return HttpResponse(f"“{status}” is not a status.", status=422)
    # The form says which status the person saw; a change made by someone else since then is not
    # overwritten silently (the conditional update is atomic, so two clicks cannot both land).
    seen = request.POST.get("was") or item.status
    if not ActionItem.objects.filter(pk=item.pk, status=seen).update(status=status):
        item.refresh_from_db(fields=["status"])
        conflict = (
            f"Someone else changed this item to “{item.get_status_display()}” after you opened the page; "
            "nothing was changed. Choose again if you still want to."
        )
        context = {"item": item, "user": request.user, "conflict": conflict}
        return render(request, "decisions/partials/action_item.html", context, status=409)
    item.status = status
    if request.htmx:
        return render(request, "decisions/partials/action_item.html", {"item": item, "user": request.user})
    back = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
        back = reverse("decisions:action-item-list")  # never send people off the site
    return redirect(back)
