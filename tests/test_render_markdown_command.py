"""manage.py render_markdown: rebuild stored HTML after the pipeline changes."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from decisions.models import RFC
from tests.factories import make_rfc

pytestmark = pytest.mark.django_db


def test_it_rebuilds_stale_html_and_reports_what_changed_as_json():
    rfc = make_rfc(number=1, body="# Title\n")
    RFC.objects.filter(pk=rfc.pk).update(body_html="<p>stale</p>")
    out = io.StringIO()
    call_command("render_markdown", "--json", stdout=out)
    assert json.loads(out.getvalue())["changed"]["RFC"] == 1
    assert RFC.objects.get(pk=rfc.pk).body_html == '<h1 id="user-content-title">Title</h1>\n'


def test_a_dry_run_counts_but_writes_nothing():
    rfc = make_rfc(number=1, body="# Title\n")
    RFC.objects.filter(pk=rfc.pk).update(body_html="<p>stale</p>")
    out = io.StringIO()
    call_command("render_markdown", "--dry-run", stdout=out)
    assert "1 row(s) would change" in out.getvalue()
    assert RFC.objects.get(pk=rfc.pk).body_html == "<p>stale</p>"
