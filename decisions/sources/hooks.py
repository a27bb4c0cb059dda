"""`POST /hooks/git/<source>/`: GitHub's and GitLab's push events queue a sync of the source.

The answer comes at once: the sync itself runs in the background (decisions.sources.tasks, run
by `manage.py db_worker`). Every answer is JSON saying what happened and why, since the reader is
the hosting service's delivery log:

- 404: no such source; 403: the source has no secret, or the signature (GitHub, Gitea:
  `X-Hub-Signature-256`, the HMAC-SHA256 of the raw body) or token (GitLab: `X-Gitlab-Token`)
  does not match; 400: no delivery id or a body that is not a push event's JSON;
- 409: a delivery id seen before (GitHub's `X-GitHub-Delivery`, GitLab's `X-Gitlab-Event-UUID`
  or `Idempotency-Key`): a replay, refused whether or not its signature is valid;
- 200: a ping, or an event that needs no sync (another branch, a tag, another kind of event);
- 202: a push to the source's branch, with the id of the queued task.

The request body limits are the site's (REQUEST_MAX_BYTES before anything reads the body,
DATA_UPLOAD_MAX_MEMORY_SIZE when it is read): a larger delivery is answered 413.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from decisions.sources.models import HookDelivery, Source
from decisions.sources.tasks import sync_source_task

ZERO_COMMIT = "0" * 40


@dataclass
class Delivery:
    """What one request says, whichever service sent it."""

    service: str  # "GitHub" or "GitLab"
    event: str  # "push", "ping", or the service's other event names
    delivery_id: str


def answer(status: int, message: str, **extra: Any) -> JsonResponse:
    """A JSON answer: `ok` (accepted or not), what happened, and the details."""
    response = JsonResponse({"ok": status < 400, "message": message, **extra}, status=status)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # the signature (or token) is the check here: no browser session is involved
@require_POST
def git_hook(request: HttpRequest, source: str) -> JsonResponse:
    found = Source.objects.filter(name=source).first()
    if found is None:
        return answer(404, f"No source is named {source!r}; register it first (manage.py add_source).")
    if not found.secret:
        return answer(
            403,
            f"Source {found.name!r} has no webhook secret, so no delivery can be trusted: set one "
            "in the admin and give the same secret to the repository's webhook.",
        )
    try:
        body = request.body
    except RequestDataTooBig:
        return answer(413, "The delivery is larger than this site accepts (REQUEST_MAX_BYTES).")
    delivery, refusal = identify(request, body, found.secret)
    if refusal is not None:
        return refusal
    assert delivery is not None
    payload, problem = read_payload(request, body)
    if problem:
        return answer(400, problem)
    # The delivery id is stored with what it caused, in one transaction: a replay of it is
    # refused, and a delivery that failed half-way can be redelivered.
    try:
        with transaction.atomic():
            HookDelivery.objects.create(source=found, delivery_id=delivery.delivery_id)
            return act(found, delivery, payload)
    except IntegrityError:
        return answer(
            409,
            f"Delivery {delivery.delivery_id} was received before; a replay is not run twice. "
            "A new push sends a new delivery id.",
            delivery=delivery.delivery_id,
        )


def identify(request: HttpRequest, body: bytes, secret: str) -> tuple[Delivery | None, JsonResponse | None]:
    """Which service sent this, checked against the source's secret; or the refusal."""
    headers = request.headers
    if "X-GitHub-Event" in headers or "X-Hub-Signature-256" in headers:
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        given = headers.get("X-Hub-Signature-256", "")
        if not given:
            return None, answer(
                403, "No X-Hub-Signature-256 header: set the webhook's secret on GitHub to this source's."
            )
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return None, answer(
                403,
                "The X-Hub-Signature-256 signature does not match this source's secret; nothing was done.",
            )
        service, event, delivery_id = (
            "GitHub",
            headers.get("X-GitHub-Event", ""),
            headers.get("X-GitHub-Delivery", ""),
        )
    elif "X-Gitlab-Event" in headers or "X-Gitlab-Token" in headers:
        given = headers.get("X-Gitlab-Token", "")
        if not given or not hmac.compare_digest(given.encode(), secret.encode()):
            return None, answer(
                403, "The X-Gitlab-Token does not match this source's secret; nothing was done."
            )
        service, event = "GitLab", headers.get("X-Gitlab-Event", "")
        delivery_id = headers.get("X-Gitlab-Event-UUID", "") or headers.get("Idempotency-Key", "")
    else:
        return None, answer(
            403,
            "Neither a GitHub (X-Hub-Signature-256) nor a GitLab (X-Gitlab-Token) delivery: "
            "nothing proves who sent it.",
        )
    if not delivery_id.strip():
        return None, answer(
            400, f"No delivery id from {service}: without one, a replay cannot be told apart."
        )
    return Delivery(service, event.strip().lower(), delivery_id.strip()[:200]), None


def read_payload(request: HttpRequest, body: bytes) -> tuple[dict[str, Any], str]:
    """The event's JSON (GitHub may send it form-encoded as `payload=`), or what is wrong with it."""
    try:
        text = body.decode("utf-8")
        if request.content_type == "application/x-www-form-urlencoded":
            text = parse_qs(text).get("payload", [""])[0]
        payload = json.loads(text)
    except (UnicodeDecodeError, ValueError):
        return {}, "The body is not the JSON of a webhook event."
    if not isinstance(payload, dict):
        return {}, "The body is JSON but not an event object."
    return payload, ""


def act(source: Source, delivery: Delivery, payload: dict[str, Any]) -> JsonResponse:
    """Queue a sync for a push to the source's branch; say why nothing is queued otherwise."""
    base = {"source": source.name, "delivery": delivery.delivery_id, "queued": False}
    if delivery.event == "ping" or payload.get("object_kind") == "ping":
        return answer(200, f"Pong: {delivery.service} reaches source {source.name!r}.", **base)
    if delivery.event not in {"push", "push hook"}:
        return answer(200, f"A {delivery.event!r} event needs no sync; only pushes do.", **base)
    ref = str(payload.get("ref") or "")
    after = str(payload.get("after") or payload.get("checkout_sha") or "")
    project = payload.get("repository") if delivery.service == "GitHub" else payload.get("project")
    default_branch = str((project or {}).get("default_branch") or "") if isinstance(project, dict) else ""
    branch = source.branch or default_branch
    pushed = ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else ""
    if not pushed:
        return answer(200, f"A push to {ref or 'no ref'} is not a branch; nothing to sync.", **base, ref=ref)
    if not branch:
        return answer(
            200,
            "The source follows the repository's default branch and the event does not name it; "
            "set the source's branch.",
            **base,
            ref=ref,
        )
    if pushed != branch:
        return answer(
            200,
            f"A push to branch {pushed!r}; source {source.name!r} follows {branch!r}, so nothing was queued.",
            **base,
            ref=ref,
        )
    if after == ZERO_COMMIT:
        return answer(
            200, f"Branch {branch!r} was deleted upstream; the records stay as they are.", **base, ref=ref
        )
    result = sync_source_task.enqueue(source.name)
    return answer(
        202,
        f"Sync of {source.name!r} queued for {after[:12] or 'the new commit'} on {branch!r}.",
        **{**base, "queued": True},
        ref=ref,
        commit=after,
        task=str(result.id),
    )
