"""The sensitivity of a decision's outcome where people and machines read it: the decision page (with
the chart of weighted totals), the API's `sensitivity` object and the Markdown export's generated
section, which an import skips (a stale or deleted copy still imports, and the export comes back
byte for byte)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from decisions.models import Assessment, Criterion, DecisionStatus, Option
from decisions.records import export, importing
from tests import test_api
from tests.factories import make_decision
from tests.test_api import get_json
from tests.test_decision_markdown import load_demo
from tests.test_import_decisions import row_counts
from tests.test_madr_body import RECORD_1, edit, snapshot

pytestmark = pytest.mark.django_db

decided = test_api.decided  # DR-0007: In-tree +11 (chosen), RPC +4, Dylib -10; weights 5 and 3

SENTENCE = (
    "In-tree subproject stays first unless the weight of Supply-chain cost falls below 2 (RPC service "
    "would lead), or its own Stability rating worsens by two steps (to Against; RPC service would lead)."
)


def text_of(html: str) -> str:
    """The page's words as a reader sees them: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def panel_html(client, decision) -> str:
    body = client.get(decision.get_absolute_url()).content.decode()
    match = re.search(r'<section class="card sensitivity".*?</section>', body, re.S)
    assert match, "no sensitivity panel on the page"
    return match.group()


def tie(number: int = 2):
    """Two options tied on one criterion: a close call."""
    decision = make_decision("Which one?", number=number)
    cost = Criterion.objects.create(decision=decision, name="Cost", weight=3, order=1)
    for order, name in enumerate(("Alpha", "Beta"), 1):
        option = Option.objects.create(decision=decision, name=name, order=order)
        Assessment.objects.create(option=option, criterion=cost, rating=1)
    return decision


# The page ----------------------------------------------------------------------------------------


def test_the_page_says_how_robust_the_choice_is_with_a_table_of_weight_ranges(client, decided):
    panel = panel_html(client, decided)
    words = text_of(panel)
    assert "How robust is the choice?" in words
    assert (
        "The chosen option, In-tree subproject, leads RPC service by 7 (+11 against +4, out of a possible 16)."
        in words
    )
    assert SENTENCE in words
    assert "Close call" not in words
    rows = [text_of(row) for row in re.findall(r"<tr>.*?</tr>", panel, re.S)]
    assert rows[1:] == [
        "Stability (5) any (0–10) —",
        "Supply-chain cost (3) 2–10 Below 2: RPC service leads",
    ]


def test_the_chart_of_weighted_totals_is_an_svg_image_with_its_numbers_in_words(client, decided):
    panel = panel_html(client, decided)
    svg = re.search(r"<svg .*?</svg>", panel, re.S).group()
    assert (
        'role="img"' in svg
        and "<title" in svg
        and 'aria-labelledby="totals-chart-title totals-chart-desc"' in svg
    )
    desc = text_of(re.search(r"<desc.*?</desc>", svg, re.S).group())
    assert desc == (
        "Weighted totals out of a possible 16: In-tree subproject +11 (chosen option); "
        "RPC service +4; Dynamic library −10."
    )
    # One bar per option; the chosen one marked, the negative one drawn left of the zero line.
    bars = re.findall(r'<rect class="([^"]+)" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    assert [classes for classes, _, _ in bars] == [
        "chart-bar chart-bar-subject",
        "chart-bar",
        "chart-bar chart-bar-negative",
    ]
    zeros = {float(x) for x in re.findall(r'<line class="chart-axis" x1="([\d.]+)"', svg)}
    assert len(zeros) == 1  # one zero line, drawn beside each bar
    zero = zeros.pop()
    (_, x_in, w_in), (_, x_rpc, w_rpc), (_, x_dylib, w_dylib) = [(c, float(x), float(w)) for c, x, w in bars]
    assert x_in == x_rpc == zero and x_dylib + w_dylib == pytest.approx(zero, abs=0.2)
    assert w_in / w_rpc == pytest.approx(11 / 4, rel=0.02)
    assert "style=" not in svg  # the strict CSP allows no inline style


def test_a_tie_is_flagged_as_a_close_call_in_words(client):
    panel = text_of(panel_html(client, tie()))
    assert "Close call" in panel
    assert "The current leader, Alpha, ties for first with Beta at +3." in panel
    assert "How robust is the lead?" in panel


def test_a_chosen_option_behind_another_is_flagged_and_told_what_would_put_it_first(client, decided):
    decided.chosen_option = decided.options.get(name="RPC service")
    decided.save()
    panel = text_of(panel_html(client, decided))
    assert "Not first" in panel and "Close call" not in panel
    assert (
        "The chosen option, RPC service, is not first: In-tree subproject leads it by 7 (+11 against +4)."
        in panel
    )
    assert "RPC service would be first if the weight of Supply-chain cost fell to 1 or less" in panel


def test_a_record_without_criteria_shows_no_panel(client):
    decision = make_decision(number=3, options=2, criteria=0)
    body = client.get(decision.get_absolute_url()).content.decode()
    assert 'class="card sensitivity"' not in body


def test_the_panel_adds_no_query_however_big_the_matrix(client, count_queries):
    small = make_decision(number=4, options=2, criteria=2)
    large = make_decision(number=5, options=20, criteria=20)
    assert count_queries(small.get_absolute_url()) == count_queries(large.get_absolute_url())
    assert "Weights at which" in panel_html(client, large)


# The API -----------------------------------------------------------------------------------------


def test_the_api_gives_the_sensitivity_of_a_record_with_a_matrix(client, decided):
    data = get_json(client, "/api/decisions/7/")
    assert data["matrix"]["options"][0]["total"] == 11  # what was there stays as it was
    sensitivity = data["sensitivity"]
    assert {k: sensitivity[k] for k in ("option", "basis", "first", "total", "runner_up", "margin")} == {
        "option": "In-tree subproject",
        "basis": "chosen",
        "first": True,
        "total": 11,
        "runner_up": "RPC service",
        "margin": 7,
    }
    assert (sensitivity["best_possible"], sensitivity["close_call"], sensitivity["tied_with"]) == (
        16,
        False,
        [],
    )
    assert sensitivity["weight_ranges"][1] == {
        "criterion": "Supply-chain cost",
        "weight": 3,
        "stays_first_from": 2,
        "stays_first_to": 10,
        "below": "RPC service",
        "above": None,
    }
    assert sensitivity["smallest_weight_change"] == {
        "kind": "weight",
        "criterion": "Supply-chain cost",
        "option": None,
        "from": 3,
        "to": 1,
        "steps": 2,
        "first_after": "RPC service",
    }
    assert sensitivity["smallest_rating_change"]["option"] == "In-tree subproject"
    assert sensitivity["smallest_change"] == sensitivity["smallest_weight_change"]  # weights first at 2 steps
    assert sensitivity["sentence"] == SENTENCE


def test_the_api_says_a_tie_is_a_close_call_and_null_without_a_matrix(client):
    tie(number=2)
    data = get_json(client, "/api/decisions/2/")["sensitivity"]
    assert (data["basis"], data["close_call"], data["tied_with"], data["margin"]) == (
        "leader",
        True,
        ["Beta"],
        0,
    )
    make_decision(number=3, status=DecisionStatus.OPEN)
    assert get_json(client, "/api/decisions/3/")["sensitivity"] is None


# The Markdown export -----------------------------------------------------------------------------


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    load_demo()
    export.write_folder(tmp_path / "records")
    return tmp_path / "records"


def test_the_export_has_the_generated_section_and_a_stale_copy_still_imports(exported, tmp_path):
    first = snapshot(exported)
    text = (exported / RECORD_1).read_text()
    assert "## Sensitivity of the Outcome" in text
    assert "| Stability of the runtime | 5 | 0–7 | Above 7: RPC service leads |" in text
    # Someone edits the generated section by hand: the import neither reads nor refuses it.
    edit(
        exported, RECORD_1, "| Stability of the runtime | 5 | 0–7 |", "| Stability of the runtime | 5 | 0–3 |"
    )
    counts = row_counts()
    report = importing.import_folder(exported)
    assert (report.created, report.updated, report.unchanged) == ([], [], [1, 2, 3])
    assert row_counts() == counts
    export.write_folder(tmp_path / "again")
    assert snapshot(tmp_path / "again") == first


def test_a_file_without_the_section_imports_and_the_export_writes_it_again(exported, tmp_path):
    first = snapshot(exported)
    path = exported / RECORD_1
    text = path.read_text()
    start = text.index("## Sensitivity of the Outcome")
    end = text.index("## Precedents")
    path.write_bytes((text[:start] + text[end:]).encode())
    report = importing.import_folder(exported)
    assert report.unchanged == [1, 2, 3]
    export.write_folder(tmp_path / "again")
    assert snapshot(tmp_path / "again") == first


def test_a_rating_edited_in_the_file_moves_the_section_on_the_next_export(exported, tmp_path):
    before = (exported / RECORD_1).read_text()
    section = before[before.index("## Sensitivity") : before.index("## Precedents")]
    row = next(line for line in before.split("\n") if line.startswith("| **RPC service**"))
    edited = row.replace("| − Against |", "| ++ Strongly for |", 1)
    assert edited != row
    edit(exported, RECORD_1, row, edited)
    report = importing.import_folder(exported)
    assert report.updated == [1]
    export.write_folder(tmp_path / "again")
    after = (tmp_path / "again" / RECORD_1).read_text()
    assert after[after.index("## Sensitivity") : after.index("## Precedents")] != section
