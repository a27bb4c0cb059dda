"""Motions in the Markdown exports (issue 17): front matter and a "Sign-off" section, and back.

Export, import into a site that lost the motions, export again: the same bytes, for an RFC and
for a decision record. Records without a motion are pinned by the golden tests, unchanged.
"""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from decisions.models import RFC, Concern, Decision, Motion, MotionEvent, Position
from decisions.records import export
from decisions.rfcs.export import rfc_to_markdown

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "demo.json"
LOADED = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def demo():
    call_command("loaddata", str(FIXTURE), verbosity=0)
    with time_machine.travel(LOADED, tick=False):
        call_command("demo_signoff", stdout=StringIO())
        yield


def forget_motions() -> None:
    """What a fresh site has: the records without their motions (the site never deletes them)."""
    MotionEvent.objects.all().delete()
    Position.objects.all().delete()
    Concern.objects.all().delete()
    Motion.objects.all().delete()


def rfc_8_markdown() -> str:
    return rfc_to_markdown(RFC.objects.prefetch_related("authors", "areas").get(series="", number=8))


def test_the_rfc_export_carries_the_motion_in_front_matter_and_a_sign_off_section(demo):
    text = rfc_8_markdown()
    front, _, body = text.partition("\n---\n")
    assert "sign-off:" in front and "fcp-ends-at: '2026-03-10T09:30:00Z'" in front
    assert "concern: unwinding on Windows" in front
    section = body[body.index("## Sign-off") :]
    assert "- State: Final comment period (2026-02-28 09:30 UTC to 2026-03-10 09:30 UTC)" in section
    assert "Jamey Cortland (no objection)" in section and "Dan Whitcombe (no position)" in section
    assert (
        "- Concern ~~unwinding on Windows~~ by Jamey Cortland, 2026-02-26; resolved by Jamey Cortland"
        in section
    )


def test_an_rfc_with_its_motion_survives_export_import_export_byte_for_byte(demo, tmp_path):
    before = rfc_8_markdown()
    (tmp_path / "0008-exception-handling.md").write_text(before)
    forget_motions()
    assert "sign-off" not in rfc_8_markdown()
    call_command("import_rfcs", str(tmp_path), "--json", stdout=StringIO(), stderr=StringIO())
    assert rfc_8_markdown() == before
    motion = Motion.objects.get(rfc__number=8)
    assert motion.state == "fcp" and motion.positions.count() == 4 and motion.concerns.get().resolved_at


def test_a_decision_with_its_open_concern_survives_export_import_export_byte_for_byte(demo, tmp_path):
    before = export.export_all()
    assert "## Sign-off" in before[next(name for name in before if name.startswith("0001-"))]
    export.write_folder(tmp_path, before)
    forget_motions()
    call_command("import_decisions", str(tmp_path), "--json", stdout=StringIO())
    assert export.export_all() == before
    concern = Concern.objects.get(motion__decision__number=1)
    assert (concern.name, concern.raised_by.name, concern.resolved_at) == (
        "migration cost",
        "Victor Lindqvist",
        None,
    )


def test_importing_again_keeps_the_sites_motions_and_adds_none(demo, tmp_path):
    export.write_folder(tmp_path)
    call_command("import_decisions", str(tmp_path), "--json", stdout=StringIO())
    assert Motion.objects.filter(decision__number=1).count() == 1


def test_a_hand_edited_sign_off_section_is_refused_naming_the_file(demo, tmp_path):
    files = export.export_all()
    name = next(name for name in files if name.startswith("0001-"))
    files[name] = files[name].replace("- Concern **migration cost**", "- Concern **cost**")
    export.write_folder(tmp_path, files)
    problems = StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_decisions", str(tmp_path), stdout=StringIO(), stderr=problems)
    assert (
        f"{name}:73: rfcs-site.sign-off: the body's '## Sign-off' section is not the one"
        in problems.getvalue()
    )


def test_records_without_a_motion_export_without_any_sign_off(demo):
    text = export.decision_to_markdown(Decision.objects.get(number=2))
    assert "sign-off" not in text and "## Sign-off" not in text


def test_the_demo_tells_the_story_and_loading_it_again_adds_nothing(demo):
    with time_machine.travel(LOADED + datetime.timedelta(hours=1), tick=False):
        out = StringIO()
        call_command("demo_signoff", "--json", stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == '{"added": []}'
    rfc_motion = Motion.objects.get(rfc__number=8)
    latest = {p.person_id: p.kind for p in rfc_motion.positions.order_by("number")}
    assert rfc_motion.state == "fcp" and rfc_motion.fcp_ends_at > LOADED
    assert (len(latest), rfc_motion.teams.get().members.count()) == (3, 5)
    assert rfc_motion.concerns.get().resolved_at is not None
    dr_motion = Motion.objects.get(decision__number=1)
    concern = dr_motion.concerns.get()
    assert (dr_motion.state, dr_motion.disposition, concern.raised_by.name) == (
        "blocked",
        "accept",
        "Victor Lindqvist",
    )
    assert "Kubernetes" in concern.text and "KEP #178" in concern.text and concern.resolved_at is None
    assert "In-tree subproject behind feature flags" in dr_motion.summary
