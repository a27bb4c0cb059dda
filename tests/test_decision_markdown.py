"""The decision record file format: what it says, and that it round-trips."""

from __future__ import annotations

import contextlib
import datetime
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.core.cache import caches
from django.core.management import call_command
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.text import slugify
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from decisions.caching import datastate
from decisions.formats import emitter
from decisions.formats import yaml as safe_yaml
from decisions.models import (
    ActionItem,
    Assessment,
    Criterion,
    Decision,
    DecisionOwner,
    DecisionPrecedent,
    DecisionStatusChange,
    Option,
    PendingReference,
    Person,
    Precedent,
)
from decisions.records import export, importing
from tests.factories import make_decision

pytestmark = pytest.mark.django_db

BODY_SECTIONS = [
    "# Where do shared WASI API implementations live?",
    "## Context and Problem Statement",
    "## Decision Drivers",
    "## Considered Options",
    "## Decision Outcome",
    "### Consequences",
    "## Pros and Cons of the Options",
    "## Options Matrix",
    "## Precedents",
    "## More Information",
]


def load_demo() -> None:
    call_command("loaddata", "fixtures/demo.json", verbosity=0)


def empty_the_decisions_app() -> None:
    """Delete every row of every model of the app, as if the database were new."""
    models = list(apps.get_app_config("decisions").get_models())
    for _ in models:
        for model in models:
            with contextlib.suppress(ProtectedError):
                model._default_manager.all().delete()
        if not any(model._default_manager.exists() for model in models):
            return
    raise AssertionError("rows are left in the decisions app")


@contextlib.contextmanager
def undone() -> Iterator[None]:
    """What the block writes is rolled back after it (a savepoint), as if it never ran: the
    database is again what it was before, far faster than deleting every row. The caches are
    emptied too, since SQLite's data state moves back with the rollback."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
    for store in caches.all():
        store.clear()
    datastate.forget_recent()


def export_to(folder: Path) -> dict[str, bytes]:
    export.write_folder(folder)
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def front_matter_of(text: str) -> dict:
    return yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n"))


# What an exported record says ------------------------------------------------------------


def test_the_demo_record_has_the_madr_sections_in_order():
    load_demo()
    text = export.decision_to_markdown(Decision.objects.get(number=1))
    body = text.split("\n---\n", 1)[1]
    lines = body.splitlines()
    positions = [lines.index(heading) for heading in BODY_SECTIONS]
    assert positions == sorted(positions)


def test_the_demo_matrix_is_a_table_with_weighted_criteria_and_a_total():
    load_demo()
    body = export.decision_to_markdown(Decision.objects.get(number=1)).split("\n---\n", 1)[1]
    header = next(line for line in body.splitlines() if line.startswith("| Option |"))
    assert header.startswith("| Option | Stability of the runtime (×5) | Supply-chain review cost (×4) |")
    assert header.endswith("| Code size (×2) | Total |")
    assert "| **In-tree subproject behind feature flags** | − Against | ++ Strongly for |" in body


def test_the_front_matter_has_madrs_keys_then_the_sites_own_under_one_key():
    load_demo()
    data = front_matter_of(export.decision_to_markdown(Decision.objects.get(number=1)))
    assert list(data) == ["status", "date", "decision-makers", "consulted", "rfcs-site"]
    assert (data["status"], data["date"]) == ("open", datetime.date(2023, 3, 30))
    assert data["decision-makers"] == ["Till Brennecke", "Nick Fallow"]
    assert data["consulted"] == ["Victor Lindqvist", "Joel Dunmore"]
    site = data["rfcs-site"]
    assert list(site) == [
        "number", "roles", "areas", "related-rfcs", "meetings", "precedents", "status-history", "action-items"
    ]  # fmt: skip
    assert site["roles"] == [{"name": "Nick Fallow", "role": "approver"}]
    assert site["related-rfcs"] == [6]
    assert site["meetings"][0]["date"] == datetime.date(2023, 3, 30)
    assert site["precedents"][0]["url"] == "https://github.com/kubernetes/enhancements/issues/178"


def test_the_prose_lives_in_the_body_and_not_in_the_front_matter():
    load_demo()
    text = export.decision_to_markdown(Decision.objects.get(number=1))
    front, body = text.split("\n---\n", 1)
    for words in ("Several Bytecode Alliance members", "_Draft, not decided._", "Off-by-default features"):
        assert words not in front and words in body
    assert "\r" not in text
    assert len(front.splitlines()) < 100


def test_the_chosen_option_and_its_arguments_are_in_madrs_words():
    load_demo()
    body = export.decision_to_markdown(Decision.objects.get(number=2)).split("\n---\n", 1)[1]
    assert 'Chosen option: "GitHub team auto-assignment", because\n\n' in body
    assert "* Good, because **Time to first review** (++ Strongly for)" in body
    assert "* Bad, because " in body


def test_the_file_name_is_the_number_and_a_short_slug_of_the_title():
    decision = make_decision("Where do shared WASI API implementations live?", number=1)
    assert export.decision_filename(decision) == "0001-where-do-shared-wasi-api-implementations-live.md"
    decision.title = "A very long title " * 10
    name = export.decision_filename(decision)
    assert len(name) <= len("0001-.md") + 60
    assert re.fullmatch(r"0001-a-very-long-title(-[a-z]+)*\.md", name)


def test_the_index_links_every_record_in_a_table():
    load_demo()
    index = export.export_all()["README.md"]
    assert "| Number | Title | Status | Decided on |" in index
    assert (
        "| DR-0002 | [Do we auto-assign reviewers on the wasmtime repository?]"
        "(0002-do-we-auto-assign-reviewers-on-the-wasmtime-repository.md) | Accepted | 2023-03-30 |"
    ) in index


def test_user_text_cannot_break_the_body_structure():
    decision = make_decision("Pipes | and *stars* # ", number=5, options=1, criteria=1)
    Option.objects.filter(decision=decision).update(name="A | B\nC")
    Decision.objects.filter(pk=decision.pk).update(context="```python\nnever closed")
    body = export.decision_to_markdown(Decision.objects.get(pk=decision.pk)).split("\n---\n", 1)[1]
    assert "# Pipes \\| and \\*stars\\* \\#" in body
    assert "| **A \\| B C** |" in body
    context = body.split("## Context and Problem Statement\n\n", 1)[1].split("\n\n## ", 1)[0]
    assert context == "```python\nnever closed\n```"


def test_code_spans_in_notes_are_kept():
    decision = make_decision(number=6, options=1, criteria=1)
    Assessment.objects.filter(option__decision=decision).update(rating=2, note="Use `a|b` and *x*")
    body = export.decision_to_markdown(decision).split("\n---\n", 1)[1]
    assert "Use `a|b` and \\*x\\*" in body


@pytest.mark.parametrize(
    "text",
    [
        "plain words",
        "key: value",
        "- item",
        "null",
        "yes",
        "'quoted'",
        '"double"',
        "  leading spaces",
        "trailing spaces  ",
        "0012",
        "2023-03-30",
        "# not a comment",
        "a #b",
        "---",
        "line\nbreaks\n",
        "ends without a newline\nx",
        "two newlines at the end\n\n",
        "\nstarts with a newline",
        "  indented first line\nsecond",
        "trailing space \nbefore a break",
        "tab\tinside\nand more",
        "carriage\r\nreturn",
        "line\u2028separator\nx",
        "bell \x07 and escape \x1b",
        "unicode: é ✓ 😀",
        "\ufeffbyte order mark",
        "",
    ],
)
def test_every_string_reads_back_exactly_from_the_front_matter(text):
    dumped = emitter.dump({"text": text, "items": [{"name": text, "note": text}], "after": 1})
    assert "\n---\n" not in f"\n{dumped}"
    assert yaml.load(dumped, Loader=safe_yaml.RecordLoader) == {
        "text": text,
        "items": [{"name": text, "note": text}],
        "after": 1,
    }


# Round trips -----------------------------------------------------------------------------


def test_the_demo_round_trips_through_an_empty_database_byte_for_byte(tmp_path):
    load_demo()
    first = export_to(tmp_path / "first")
    empty_the_decisions_app()
    report = importing.import_folder(tmp_path / "first")
    assert report.created == [1, 2, 3]
    assert export_to(tmp_path / "second") == first


def test_the_demo_round_trips_through_the_same_database_byte_for_byte(tmp_path):
    load_demo()
    first = export_to(tmp_path / "first")
    report = importing.import_folder(tmp_path / "first")
    assert (report.updated, report.unchanged) == ([], [1, 2, 3])
    assert not report.people_created and not report.precedents_created
    assert export_to(tmp_path / "second") == first


def test_an_update_keeps_the_rows_that_did_not_change(tmp_path):
    load_demo()
    export.write_folder(tmp_path)
    option_ids = set(Option.objects.values_list("pk", flat=True))
    change_ids = set(DecisionStatusChange.objects.values_list("pk", flat=True))
    importing.import_folder(tmp_path)
    assert set(Option.objects.values_list("pk", flat=True)) == option_ids
    assert set(DecisionStatusChange.objects.values_list("pk", flat=True)) == change_ids


# Hypothesis: any text a person can type survives export, import into an empty database, export.

# Control characters other than tab and line breaks are removed on import (feeds cannot carry them).
_CONTROLS = [chr(code) for code in [*range(32), 0x7F] if chr(code) not in "\t\n\r"]  # stripped on import
_characters = st.characters(exclude_categories=["Cs"], exclude_characters=_CONTROLS)
_tricky = st.sampled_from(
    [
        "|", "*", "#", "`", "```", "---", "...", "key: value", "- item", "null", "yes", "~", "'quoted'",
        '"', "\\", "  ", " ", "\n", "\n\n", "\r\n", "\t", "<!--", "<pre>", "[x](y)", "0012", "1e3",
        "2023-03-30", "&amp;", "é", "😀", "\u2028", "\x85",
    ]
)  # fmt: skip
_text = st.lists(st.one_of(st.text(_characters, max_size=12), _tricky), max_size=5).map("".join)
# decisions.markdown raises IndexError on a code fence whose info string is only Unicode
# whitespace ("```\x85"): a rendering bug, reported, kept out of this export test.
_BLANK_FENCE_INFO = re.compile(r"(?m)^ {0,3}(?:`{3,}|~{3,})[ \t]*[^\S \t\n]\s*$")


def one_line(text: str) -> str:
    return text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").strip()


def renders(spec: dict) -> bool:
    texts = [spec["context"], spec["rationale"], spec["consequences"], *(s for _, s, _ in spec["options"])]
    return not any(_BLANK_FENCE_INFO.search(text.replace("\r", "\n")) for text in texts)


# Names and titles are typed in one-line inputs, whose values forms strip.
_name = _text.map(lambda text: one_line(text[:80])).filter(bool)


@st.composite
def decision_specs(draw: st.DrawFn) -> dict:
    options = draw(st.lists(_name, max_size=3, unique=True))
    criteria = draw(st.lists(_name, max_size=3, unique=True))
    people = draw(st.lists(_name, max_size=2, unique_by=lambda name: name.casefold()))
    return {
        "title": draw(_name),
        "status": draw(st.sampled_from(["open", "accepted", "deferred"])),
        "context": draw(_text),
        "rationale": draw(_text),
        "consequences": draw(_text),
        "options": [(name, draw(_text), draw(_text)) for name in options],
        "criteria": [(name, draw(_text), draw(st.integers(0, 10))) for name in criteria],
        "ratings": [
            (draw(st.integers(-2, 2)), draw(_text.map(lambda text: text[:400])))
            for _ in range(len(options) * len(criteria))
        ],
        "chosen": draw(st.sampled_from(options)) if options and draw(st.booleans()) else None,
        "people": people,
        "precedent": draw(st.one_of(st.none(), st.tuples(_name, _name, _text))),
        "history_note": draw(_text.map(lambda text: text[:200])),
        "action_text": draw(_text.filter(lambda text: text.strip())),
        "pending_topic": draw(_text.map(lambda text: text[:200])),
    }


def build(spec: dict) -> Decision:
    decision = Decision.objects.create(
        number=1, **{key: spec[key] for key in ("title", "status", "context", "rationale", "consequences")}
    )
    options = [
        Option.objects.create(decision=decision, name=name, summary=summary, why_not=why_not, order=order)
        for order, (name, summary, why_not) in enumerate(spec["options"])
    ]
    criteria = [
        Criterion.objects.create(decision=decision, name=name, description=text, weight=weight, order=order)
        for order, (name, text, weight) in enumerate(spec["criteria"])
    ]
    cells = [(option, criterion) for option in options for criterion in criteria]
    Assessment.objects.bulk_create(
        Assessment(option=option, criterion=criterion, rating=rating, note=note)
        for (option, criterion), (rating, note) in zip(cells, spec["ratings"], strict=True)
    )
    if spec["chosen"] is not None:
        decision.chosen_option = next(option for option in options if option.name == spec["chosen"])
        decision.save()
    people = [Person.objects.create(name=name) for name in spec["people"]]
    for order, person in enumerate(people):
        DecisionOwner.objects.create(decision=decision, person=person, role="driver", order=order)
    if spec["precedent"]:
        title, organization, note = spec["precedent"]
        url = f"https://example.org/{slugify(title) or 'p'}?q=(1)"
        precedent = Precedent.objects.create(title=title, url=url, organization=organization)
        DecisionPrecedent.objects.create(decision=decision, precedent=precedent, note=note)
    DecisionStatusChange.objects.create(
        decision=decision, to_status="open", changed_on=datetime.date(2023, 3, 30), note=spec["history_note"]
    )
    ActionItem.objects.create(
        decision=decision, text=spec["action_text"], owner=people[0] if people else None
    )
    PendingReference.objects.create(
        decision=decision, kind="meeting", key="2023-03-30/wasmtime-project-call", label="Wasmtime project call",
        topic=spec["pending_topic"],
    )  # fmt: skip
    PendingReference.objects.create(decision=decision, kind="rfc", key="12", label="RFC 12")
    return decision


def plain_spec(**changes: object) -> dict:
    spec = {
        "title": "T", "status": "open", "context": "", "rationale": "", "consequences": "",
        "options": [("O", "", "")], "criteria": [("C", "", 1)], "ratings": [(1, "")], "chosen": "O",
        "people": ["P"], "precedent": None, "history_note": "", "action_text": "x", "pending_topic": "",
    }  # fmt: skip
    return {**spec, **changes}


# Found by the test below: a quote inside a code span of the chosen option's name was escaped
# ("`a\\"b`"), and inside a code span a backslash is code, so it read back as part of the name.
@pytest.mark.parametrize(
    "name",
    [
        '` ĉ,çO"¹\U0007c455\x8a`\x84\U000a5678', '`a"b`', '"`a`"', 'say "`x`"', "a`b", "``a`b``", "`a|b`",
        "a\\`b", "`a`\\", '`"`',
    ],
)  # fmt: skip
@pytest.mark.parametrize("rationale", ["", "Because."])
def test_a_chosen_option_with_code_and_quotes_round_trips(name, rationale, tmp_path):
    with undone():  # then the database is empty again
        build(plain_spec(options=[(name, "", "")], chosen=name, rationale=rationale))
        first = export_to(tmp_path / "first")
    importing.import_folder(tmp_path / "first")
    assert export_to(tmp_path / "second") == first
    decision = Decision.objects.get(number=1)
    assert (decision.chosen_option.name, [option.name for option in decision.options.all()]) == (name, [name])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=decision_specs())
def test_any_record_round_trips_through_an_empty_database_byte_for_byte(spec, tmp_path_factory):
    assume(renders(spec))
    with undone():  # each example starts from the empty database
        folder = tmp_path_factory.mktemp("records")
        with undone():
            build(spec)
            first = export_to(folder / "first")
        importing.import_folder(folder / "first")
        assert export_to(folder / "second") == first
        check_the_imported_record(spec)


def check_the_imported_record(spec: dict) -> None:
    decision = Decision.objects.get(number=1)
    # The body holds the text as a Markdown file does: LF line ends, no blank lines or spaces
    # around a field, a title or a name on one line.
    assert (decision.title, decision.context, decision.rationale, decision.consequences) == (
        one_line(spec["title"]), block(spec["context"]), block(spec["rationale"]), block(spec["consequences"])
    )  # fmt: skip
    assert [option.name for option in decision.options.all()] == [
        one_line(name) for name, _, _ in spec["options"]
    ]


def block(text: str) -> str:
    from decisions.records.export.text import block as written

    return written(text)


@pytest.mark.django_db(transaction=True)
def test_the_served_file_of_an_unchanged_record_reads_no_row_and_an_edit_shows_at_once(client, settings):
    """Kept under the data state like a page's fragments, for a signed-in reader or the first
    visitor after an edit (the whole-page cache off here)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_SECONDS = 0
    decision = make_decision("Where do WASI implementations live?", number=4)
    url = "/decisions/4.md"
    first = client.get(url)
    assert first.status_code == 200 and "Where do WASI implementations live?" in first.text
    with CaptureQueriesContext(connection) as captured:
        again = client.get(url)
    assert again.text == first.text
    assert not any("decisions_decision" in q["sql"] for q in captured.captured_queries)
    decision.title = "Where do the WASI crates live?"
    decision.save()
    assert "Where do the WASI crates live?" in client.get(url).text
    assert client.get("/decisions/5.md").status_code == 404
