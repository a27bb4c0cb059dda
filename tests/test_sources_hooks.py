"""The git webhook: signed pushes queue a sync at once; forged, replayed or stray ones do not."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from typing import Any

import pytest
from django.test import Client
from django_tasks.backends.database.models import DBTaskResult

from decisions.models import HookDelivery, Source

pytestmark = pytest.mark.django_db

SECRET = "It's a Secret to Everybody"
URL = "/hooks/git/rust-rfcs/"
AFTER = "4d1f0a5c2f3b8e7d6c5b4a39281706f5e4d3c2b1"


@pytest.fixture
def source() -> Source:
    return Source.objects.create(
        name="rust-rfcs", url="https://github.com/rust-lang/rfcs.git", branch="master", path="text",
        holds="rfcs", format="rust", series="rust", secret=SECRET,
    )  # fmt: skip


def github_push(ref: str = "refs/heads/master") -> dict[str, Any]:
    """A push event as GitHub sends it (the fields a sync reads, and the usual company)."""
    return {
        "ref": ref,
        "before": "9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b",
        "after": AFTER,
        "created": False,
        "deleted": False,
        "forced": False,
        "base_ref": None,
        "compare": "https://github.com/rust-lang/rfcs/compare/9a0b1c2d3e4f...4d1f0a5c2f3b",
        "commits": [
            {
                "id": AFTER,
                "tree_id": "f0e1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d",
                "distinct": True,
                "message": "Merge pull request #3600 from someone/rfc-3600\n\nRFC: unsafe fields",
                "timestamp": "2026-12-05T09:12:44+01:00",
                "url": f"https://github.com/rust-lang/rfcs/commit/{AFTER}",
                "author": {"name": "Some One", "email": "some@example.org", "username": "someone"},
                "committer": {"name": "GitHub", "email": "noreply@github.com", "username": "web-flow"},
                "added": ["text/3600-unsafe-fields.md"],
                "removed": [],
                "modified": ["README.md"],
            }
        ],
        "head_commit": {"id": AFTER, "message": "Merge pull request #3600", "added": [], "removed": []},
        "repository": {
            "id": 17736079,
            "name": "rfcs",
            "full_name": "rust-lang/rfcs",
            "private": False,
            "html_url": "https://github.com/rust-lang/rfcs",
            "clone_url": "https://github.com/rust-lang/rfcs.git",
            "default_branch": "master",
            "master_branch": "master",
        },
        "pusher": {"name": "someone", "email": "some@example.org"},
        "sender": {"login": "someone", "id": 1, "type": "User"},
    }


def post_github(
    client: Client, payload: dict[str, Any], *, secret: str = SECRET, event: str = "push",
    delivery: str | None = None, url: str = URL,
) -> Any:  # fmt: skip
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        url, body, content_type="application/json",
        headers={"X-GitHub-Event": event, "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
                 "X-Hub-Signature-256": signature, "User-Agent": "GitHub-Hookshot/5f4b0e1"},
    )  # fmt: skip


def queued() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path="decisions.sources.tasks.sync_source_task"))


def test_a_signed_github_push_is_accepted_at_once_and_queues_the_sync(client, source):
    response = post_github(client, github_push(), delivery="72d3162e-cc78-11e3-81ab-4c9367dc0958")

    assert response.status_code == 202
    answer = response.json()
    assert answer["queued"] is True and answer["commit"] == AFTER and answer["source"] == "rust-rfcs"
    [task] = queued()
    assert str(task.id) == answer["task"]
    assert task.status == "READY" and task.args_kwargs == {"args": ["rust-rfcs"], "kwargs": {}}
    assert HookDelivery.objects.filter(
        source=source, delivery_id="72d3162e-cc78-11e3-81ab-4c9367dc0958"
    ).exists()


def test_github_may_send_the_payload_form_encoded(client, source):
    from urllib.parse import urlencode

    body = urlencode({"payload": json.dumps(github_push())}).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    response = client.post(
        URL, body, content_type="application/x-www-form-urlencoded",
        headers={"X-GitHub-Event": "push", "X-GitHub-Delivery": "d-form", "X-Hub-Signature-256": signature},
    )  # fmt: skip
    assert response.status_code == 202 and len(queued()) == 1


def test_a_forged_signature_is_refused_and_queues_nothing(client, source):
    response = post_github(client, github_push(), secret="guessed", delivery="forged-1")

    assert response.status_code == 403
    assert "does not match" in response.json()["message"]
    assert queued() == [] and not HookDelivery.objects.exists()
    # The forger burnt no delivery id: the real delivery with that id still goes through.
    assert post_github(client, github_push(), delivery="forged-1").status_code == 202


def test_a_body_changed_after_signing_is_refused(client, source):
    body = json.dumps(github_push()).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    tampered = body.replace(b"refs/heads/master", b"refs/heads/evil!")
    response = client.post(
        URL, tampered, content_type="application/json",
        headers={"X-GitHub-Event": "push", "X-GitHub-Delivery": "t-1", "X-Hub-Signature-256": signature},
    )  # fmt: skip
    assert response.status_code == 403 and queued() == []


def test_a_missing_signature_is_refused(client, source):
    response = client.post(
        URL, json.dumps(github_push()), content_type="application/json",
        headers={"X-GitHub-Event": "push", "X-GitHub-Delivery": "m-1"},
    )  # fmt: skip
    assert response.status_code == 403
    assert "X-Hub-Signature-256" in response.json()["message"]
    assert queued() == []


def test_a_replayed_delivery_is_refused_with_409(client, source):
    assert post_github(client, github_push(), delivery="same-id").status_code == 202
    replay = post_github(client, github_push(), delivery="same-id")

    assert replay.status_code == 409
    assert "received before" in replay.json()["message"]
    assert len(queued()) == 1


def test_a_push_to_another_branch_is_accepted_but_queues_nothing(client, source):
    response = post_github(client, github_push("refs/heads/feature/x"))

    assert response.status_code == 200
    answer = response.json()
    assert answer["queued"] is False and "follows 'master'" in answer["message"]
    assert queued() == []


def test_a_tag_push_queues_nothing(client, source):
    response = post_github(client, github_push("refs/tags/v1.0"))
    assert response.status_code == 200 and response.json()["queued"] is False and queued() == []


def test_a_source_without_a_branch_follows_the_default_branch_the_event_names(client, source):
    source.branch = ""
    source.save()
    assert post_github(client, github_push("refs/heads/master")).status_code == 202
    assert post_github(client, github_push("refs/heads/other")).status_code == 200
    assert len(queued()) == 1


def test_a_ping_answers_200_and_queues_nothing(client, source):
    response = post_github(client, {"zen": "Keep it logically awesome.", "hook_id": 1}, event="ping")
    assert response.status_code == 200
    assert response.json()["message"].startswith("Pong")
    assert queued() == []


def test_an_unknown_source_is_404(client, source):
    response = post_github(client, github_push(), url="/hooks/git/nobody/")
    assert response.status_code == 404 and "No source" in response.json()["message"]


def test_a_source_without_a_secret_refuses_every_delivery(client, source):
    source.secret = ""
    source.save()
    signed_with_nothing = post_github(client, github_push(), secret="")
    assert signed_with_nothing.status_code == 403
    assert "secret" in signed_with_nothing.json()["message"] and queued() == []


def test_only_post_is_answered(client, source):
    assert client.get(URL).status_code == 405


def test_the_hook_needs_no_csrf_token_nor_sign_in(source, settings):
    settings.RFCS_SITE_PUBLIC_READ = False
    strict = Client(enforce_csrf_checks=True)
    assert post_github(strict, github_push()).status_code == 202


def test_a_delivery_over_the_request_limit_is_413_unread(client, source, settings):
    settings.REQUEST_MAX_BYTES = 1000
    payload = github_push()
    payload["commits"][0]["message"] = "x" * 2000
    response = post_github(client, payload)
    assert response.status_code == 413 and queued() == []


def test_a_body_that_is_not_json_is_400(client, source):
    body = b"<xml/>"
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    response = client.post(
        URL, body, content_type="application/json",
        headers={"X-GitHub-Event": "push", "X-GitHub-Delivery": "x-1", "X-Hub-Signature-256": signature},
    )  # fmt: skip
    assert response.status_code == 400 and queued() == []


# GitLab ------------------------------------------------------------------------------------


def gitlab_push(ref: str = "refs/heads/master") -> dict[str, Any]:
    return {
        "object_kind": "push",
        "event_name": "push",
        "before": "95790bf891e76fee5e1747ab589903a6a1f80f22",
        "after": AFTER,
        "ref": ref,
        "ref_protected": True,
        "checkout_sha": AFTER,
        "user_username": "jsmith",
        "project_id": 15,
        "project": {
            "id": 15,
            "name": "rfcs",
            "web_url": "https://gitlab.example.com/team/rfcs",
            "git_http_url": "https://gitlab.example.com/team/rfcs.git",
            "default_branch": "master",
            "path_with_namespace": "team/rfcs",
        },
        "commits": [{"id": AFTER, "message": "Add RFC 12", "added": ["text/0012-x.md"], "removed": []}],
        "total_commits_count": 1,
    }


def post_gitlab(client: Client, payload: dict[str, Any], *, token: str = SECRET, uuid_: str = "") -> Any:
    return client.post(
        URL, json.dumps(payload), content_type="application/json",
        headers={"X-Gitlab-Event": "Push Hook", "X-Gitlab-Token": token,
                 "X-Gitlab-Event-UUID": uuid_ or str(uuid.uuid4()), "User-Agent": "GitLab/17.5.0"},
    )  # fmt: skip


def test_a_gitlab_push_with_the_right_token_queues_the_sync(client, source):
    response = post_gitlab(client, gitlab_push(), uuid_="13792a34-cac6-4fda-95a8-c58e00a3954e")
    assert response.status_code == 202 and response.json()["commit"] == AFTER
    assert len(queued()) == 1


def test_a_gitlab_push_with_a_wrong_token_is_refused(client, source):
    response = post_gitlab(client, gitlab_push(), token="wrong")
    assert response.status_code == 403 and "X-Gitlab-Token" in response.json()["message"]
    assert queued() == []


def test_a_gitlab_replay_is_refused(client, source):
    assert post_gitlab(client, gitlab_push(), uuid_="u-1").status_code == 202
    assert post_gitlab(client, gitlab_push(), uuid_="u-1").status_code == 409
    assert len(queued()) == 1


def test_gitlab_without_an_event_uuid_may_use_its_idempotency_key(client, source):
    headers = {"X-Gitlab-Event": "Push Hook", "X-Gitlab-Token": SECRET, "Idempotency-Key": "k-1"}
    body = json.dumps(gitlab_push())
    assert client.post(URL, body, content_type="application/json", headers=headers).status_code == 202
    assert client.post(URL, body, content_type="application/json", headers=headers).status_code == 409


def test_a_delivery_from_neither_service_is_refused(client, source):
    response = client.post(URL, json.dumps(github_push()), content_type="application/json")
    assert response.status_code == 403 and queued() == []
