"""Decisions found in notes (decisions/meetings/parsing/decided.py and options.py): the wordings,
the guards, the question, the options and the contributors, on lines taken from real notes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from decisions.meetings.parsing import parse_meeting
from decisions.meetings.parsing.decided import CALLS, RECORDS, find_decisions, question_for, sentence_wording
from decisions.meetings.parsing.options import options_in
from decisions.meetings.parsing.results import ParsedRemark, ParsedTopic

pytestmark = pytest.mark.text_only  # tests/conftest.py: those without a database run once

ROOT = Path(__file__).resolve().parent.parent


def demo_notes() -> str:
    """The Wasmtime project call of 2023-03-30 as the demo fixture holds it."""
    rows = json.loads((ROOT / "fixtures" / "demo.json").read_text(encoding="utf-8"))
    return next(r for r in rows if r["model"] == "decisions.meeting" and r["pk"] == 1)["fields"][
        "source_text"
    ]


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        # From the Bytecode Alliance meetings corpus, as written.
        ("The group agreed to a weekly cadence, meeting next on March 6, 2024.", RECORDS),
        ("We agreed that we should adopt a similar model in Winch.", RECORDS),
        ("The TSC agreed to begin publishing minutes from each meeting.", RECORDS),
        ("Decision: Read wit package requirements from the world with optional overrides", RECORDS),
        ("Decision (for now): 2nd and 4th tuesday each month", RECORDS),
        ("Accepted Go Subgroup by consensus vote", RECORDS),
        (
            "we have decided that for various reasons that Bindle is not appropriate for our use cases.",
            RECORDS,
        ),
        ("We settled on language that is not around server, but around version constraints.", RECORDS),
        ("Danny and Kate were elected co-chairs.", RECORDS),
        ("No objections to meeting being recorded", RECORDS),
        ("Joel, Alex, and I agree that apples-to-apples comparisons should not be bad", RECORDS),
        ("Consensus last year we have tri-state approach", RECORDS),
        ("FIlesystems raises the question of whether we should share the impl with wasip2", CALLS),
        ("are we all in agreement that we need to do the HTTP API design?", CALLS),
        ("Will write an RFC that lays out the in-tree option and the alternatives", CALLS),
        ("Outcome: no decision yet.", CALLS),
        ("Vote for co-chairs", CALLS),
        ("Any objections?", CALLS),
        ("Decide upon policy for recording meetings, if acceptable then record the remainder", CALLS),
        # The issue's own wordings.
        ("Let's go with the tri-state flag.", RECORDS),
        ("We'll go with option B.", RECORDS),
        ("Resolved: the SIG meets every other week.", RECORDS),
        ("The group prefers generated bindings.", RECORDS),
        ("The consensus is to keep it out of tree.", RECORDS),
        ("The RFC should cover the options: in-tree, dylib, RPC, trait object.", CALLS),
    ],
)
def test_sentences_that_record_or_call_for_a_decision(sentence, kind):
    wording = sentence_wording(sentence)
    assert wording is not None, sentence
    assert wording.kind == kind


@pytest.mark.parametrize(
    "sentence",
    [
        # One person agreeing with another is not the group deciding.
        "Agreed!",
        "agree! Especially about clif semantics I agree we don't want them dependent on the host.",
        "generally agree",
        "I agree, optimizing new features doesn't need to happen before landing.",
        "agreed that's bad.",
        # Agreeing to talk is an action item; agreeing something matters decides nothing.
        "David and Danny agreed to a separate conversation about licensing and how this might connect.",
        "Overall, the participants agreed on the importance of discussing and addressing various topics.",
        # Comparisons and questions in passing.
        "similar to unit testing vs integration testing",
        "Will the in-person meeting be a bigger decision-making moment",
        "Could the CLI load implementations as dylibs at run time?",
        "Proposes turning on GitHub's automatic review assignment for the wasmtime repo.",
        "",
    ],
)
def test_sentences_that_do_not(sentence):
    assert sentence_wording(sentence) is None


def test_a_negated_or_asked_record_is_a_call_and_less_sure():
    assert sentence_wording("We haven't decided where it lives.").kind == CALLS
    assert sentence_wording("There is no consensus on the name.").kind == CALLS
    asked = sentence_wording("Did we decide to ship it in tree?")
    assert asked.kind == CALLS
    assert asked.confidence < sentence_wording("We decided to ship it in tree.").confidence


def test_the_2023_03_30_call_offers_the_wasi_question_with_its_options_and_speakers():
    parsed = parse_meeting(demo_notes(), path="wasmtime/2023/wasmtime-03-30.md")
    found = {s.topic: s for s in find_decisions(parsed)}
    wasi = found["Where should shared implementations of new WASI APIs live?"]
    assert wasi.question == "Where should shared implementations of new WASI APIs live?"
    assert wasi.kind == CALLS
    assert wasi.speaker == "Till"
    assert "lays out the in-tree option and the alternatives" in wasi.sentence
    assert {"in-tree", "dylib", "RPC", "trait object"} <= set(wasi.options)
    assert wasi.contributors[:3] == ["Till Brennecke", "Nick Fallow", "Joel Dunmore"]
    assert "Victor Lindqvist" in wasi.contributors
    assert "Outcome: no decision yet." in [s.text for s in wasi.also]
    # The reviewer topic records its outcome, and is written by the note-taker: nobody is quoted.
    reviewers = found["Reviewer auto-assignment"]
    assert (reviewers.kind, reviewers.speaker, reviewers.sentence) == (
        RECORDS,
        None,
        "Outcome: no objections.",
    )
    # Topics that decide nothing offer nothing.
    assert "Trampoline overhaul" not in found
    assert "Exception handling" not in found


def test_options_from_enumerations_vs_and_bullets():
    def topic(*texts: str, depths: tuple[int, ...] = ()) -> ParsedTopic:
        remarks = [ParsedRemark(None, t, depth=(depths[i] if depths else 0)) for i, t in enumerate(texts)]
        return ParsedTopic(title="Storage", remarks=remarks)

    assert options_in(topic("Options: SQLite, PostgreSQL or MySQL.")) == ["SQLite", "PostgreSQL", "MySQL"]
    assert options_in(topic("Pooling vs kernel threads")) == ["Pooling", "kernel threads"]
    assert options_in(topic("We could either vendor it or fetch it at build time.")) == [
        "vendor it",
        "fetch it at build time",
    ]
    bullets = topic(
        "Alternatives:", "A separate repo: easy to publish", "A git submodule - awkward", depths=(0, 1, 1)
    )
    assert options_in(bullets) == ["separate repo", "git submodule"]
    assert options_in(topic("Nothing to choose here.")) == []


def test_the_question_comes_from_the_title_a_question_asked_or_a_whether():
    assert question_for("Where do they live?", "We decided in tree.") == "Where do they live?"
    assert question_for("Recording", "Should we record these meetings?") == "Should we record these meetings?"
    whether = question_for(
        "Upstreaming", "It raises the question of whether we should share the impl with wasip2"
    )
    assert whether == "Should we share the impl with wasip2?"
    assert (
        question_for("Cadence", "The group agreed to a weekly cadence.")
        == "Cadence: The group agreed to a weekly cadence."
    )
    assert question_for(None, "**Meeting cadence**. The group agreed to a weekly cadence.").startswith(
        "Meeting cadence: The group agreed"
    )


def test_loose_notes_give_one_suggestion_per_sentence_with_its_own_speaker():
    notes = "# Call\n\n## Notes\n\n- Ann: We decided to ship it.\n- Bob: Let's go with weekly releases.\n"
    parsed = parse_meeting(notes, path="x/2024/x-01-02.md")
    found = find_decisions(parsed)
    assert [(s.sentence, s.line) for s in found] == [
        ("We decided to ship it.", 5),
        ("Let's go with weekly releases.", 6),
    ]


def test_a_sentence_wrapped_over_lines_names_the_line_it_starts_on():
    notes = (
        "# Call\n\n## Notes\n\n### Unwind info\n\n* The discussion was mostly around the mechanics of unwind\n"
        "  information and how the current instructions are used in Cranelift.\n"
        "  We agreed that we should adopt a similar model in Winch.\n"
    )
    (found,) = find_decisions(parse_meeting(notes, path="winch/2023/winch-05-23.md"))
    assert found.line == 9
    assert found.sentence == "We agreed that we should adopt a similar model in Winch."
