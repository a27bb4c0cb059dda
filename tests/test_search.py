"""decisions/search/: what a query finds, how hits rank and read, and when the index changes.

The same tests run on SQLite (FTS5) and PostgreSQL (tsvector); set DATABASE_URL for the latter.
"""

from __future__ import annotations

import datetime
import io
import json
import re

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from decisions.meetings.parsing import parse_meeting
from decisions.meetings.saving import save_meeting
from decisions.models import (
    RFC,
    Decision,
    Meeting,
    MeetingSeries,
    Option,
    Precedent,
    Remark,
    SearchEntry,
    Topic,
)
from decisions.search import results as search
from decisions.search.excerpts import readable
from decisions.search.index import rebuild_index
from decisions.search.query import parse
from decisions.search.sqlite import FTS_TABLE
from tests.factories import make_decision, make_meeting, make_rfc

pytestmark = pytest.mark.django_db

HOSTILE = [
    '"unbalanced quote',
    '"',
    '""',
    "-",
    "- -- ---",
    "-wasi",
    "*",
    "wasi*",
    "NEAR(",
    "NEAR(wasi http, 2)",
    "AND OR NOT",
    "or",
    "wasi or",
    "title:wasi",
    "^wasi",
    "(wasi",
    "wasi)",
    "{wasi}",
    "'",
    "\\",
    "!wasi & | <-> :*",
    "\x00",
    "wasi\x00http",
    "\ue000wasi\ue001",
    "😀 🦀",
    "ÿ́",
    "wasi " * 2048,
    "x" * 10240,
]


def titles(query: str, **options: object) -> list[str]:
    return [hit.title for hit in search.search(query, **options).hits]  # type: ignore[arg-type]


def make_precedent(title: str, **fields: object) -> Precedent:
    fields.setdefault("url", f"https://example.org/{len(title)}-{abs(hash(title))}")
    return Precedent.objects.create(title=title, **fields)


# The query language ------------------------------------------------------------------------------


def test_a_quoted_phrase_matches_only_the_words_side_by_side():
    make_precedent("Rollouts", summary="Every change ships behind a feature flag first.")
    make_precedent("Reviews", summary="Flag the feature for a second review.")
    assert titles('"feature flag"') == ["Rollouts"]
    assert sorted(titles("feature flag")) == ["Reviews", "Rollouts"]


def test_a_minus_word_leaves_out_records_that_mention_it():
    make_precedent("Proxy", summary="A wasi http proxy world.")
    make_precedent("Files", summary="The wasi filesystem proposal.")
    assert titles("wasi -http") == ["Files"]


def test_or_finds_records_with_either_word():
    make_precedent("Storage", summary="Kubernetes moved its volume plugins out of tree.")
    make_precedent("Codegen", summary="Cranelift gains exception edges.")
    make_precedent("Unrelated", summary="Nothing to see.")
    assert sorted(titles("kubernetes or cranelift")) == ["Codegen", "Storage"]


def test_words_match_other_forms_of_the_same_word():
    make_precedent("CSI", summary="The migration of volume plugins took four years.")
    assert titles("migrating") == ["CSI"]
    assert titles("migrations") == ["CSI"]


def test_a_query_with_no_word_to_search_finds_nothing_without_asking_the_database(
    django_assert_num_queries,
):
    make_precedent("Proxy", summary="A wasi http proxy world.")
    with django_assert_num_queries(0):
        for query in ("", "   ", "-http", "* ! ?", '""'):
            page = search.search(query)
            assert (page.hits, page.total) == ([], 0)


@pytest.mark.parametrize("query", HOSTILE, ids=lambda query: repr(query[:20]))
def test_hostile_queries_never_raise(query):
    make_precedent("Proxy", summary="A wasi http proxy world near the edge.")
    page = search.search(query)
    assert page.total == len(page.hits) or page.total > len(page.hits)


def test_the_parser_reads_phrases_exclusions_and_or():
    parsed = parse('"feature flag" wasi -http or "cargo vet" -"supply chain"')
    assert parsed.websearch() == '"feature flag" "wasi" -"http" or "cargo vet" -"supply chain"'
    assert parsed.fts5() == '("feature flag" AND "wasi") NOT "http" OR ("cargo vet") NOT "supply chain"'


def test_every_term_reaches_fts5_quoted_so_operators_are_words():
    assert parse('NEAR( title:x "a""b').fts5() == '("NEAR(" AND "title:x" AND "a" AND "b")'


def test_a_group_of_only_exclusions_is_dropped():
    assert parse("-http or wasi").websearch() == '"wasi"'


# Ranking -----------------------------------------------------------------------------------------


def test_a_match_in_the_title_ranks_above_a_match_in_the_body_only():
    make_precedent("Lessons", lessons="We learned that kubernetes " + "moves slowly. " * 5)
    make_precedent("Kubernetes storage", lessons="Plugins moved out of tree.")
    assert titles("kubernetes") == ["Kubernetes storage", "Lessons"]


def test_a_match_in_the_summary_ranks_above_a_match_in_the_body_only():
    make_rfc("Second", number=2, body="# Summary\n\nShort.\n\n# Proposal\n\nUse trampolines here.\n")
    make_rfc("First", number=1, body="# Summary\n\nRewrite the trampolines.\n\n# Proposal\n\nDetails.\n")
    assert titles("trampolines") == ["RFC 1: First", "RFC 2: Second"]


def test_hits_carry_kind_title_url_date_and_rank():
    rfc = make_rfc("Exception handling", number=8, created_on=datetime.date(2023, 8, 21))
    hit = search.search("exception").hits[0]
    assert (hit.kind, hit.kind_label, hit.title, hit.url) == (
        "rfc",
        "RFC",
        "RFC 8: Exception handling",
        "/rfcs/8/",
    )
    assert hit.date == rfc.created_on
    assert hit.rank > 0


def test_limit_and_offset_page_through_the_hits():
    for n in range(5):
        make_precedent(f"Kubernetes {n}", summary="kubernetes " * (n + 1))
    first, rest = search.search("kubernetes", limit=2), search.search("kubernetes", limit=10, offset=2)
    assert (first.total, len(first.hits), first.has_more) == (5, 2, True)
    assert (len(rest.hits), rest.has_more) == (3, False)
    assert not {hit.title for hit in first.hits} & {hit.title for hit in rest.hits}


# What each kind of record contributes ------------------------------------------------------------


def test_meetings_made_by_hand_are_found_by_their_topics_and_remarks():
    meeting = make_meeting(title="Cranelift weekly")
    topic = Topic.objects.create(meeting=meeting, order=1, title="Handler edges in CLIF")
    Remark.objects.create(topic=topic, order=1, speaker_name="Chris", text="A `try_call` terminator.")
    assert titles("clif") == ["Cranelift weekly"]
    assert titles("terminator") == ["Cranelift weekly"]
    assert "Chris" in search.search("terminator").hits[0].snippet


def test_meetings_imported_from_notes_are_found_by_every_remark():
    series = MeetingSeries.objects.create(name="Wasmtime project call", slug="wasmtime-project-call")
    notes = "# Wasmtime project call\n\n## Notes\n\n### Trampolines\n\n- **Jamey**: The overhaul removed 40 percent of the glue.\n"
    save_meeting(parse_meeting(notes), series=series, date=datetime.date(2023, 3, 30), source_text=notes)
    assert Remark.objects.count() == 1
    assert len(titles("overhaul glue")) == 1
    assert search.search("trampolines").hits[0].kind == "meeting"


def test_saving_imported_notes_writes_the_meeting_entry_once():
    series = MeetingSeries.objects.create(name="Cranelift weekly", slug="cranelift-weekly")
    notes = "# Cranelift weekly\n\n## Notes\n\n### Regalloc\n\n- **Chris**: Spill slots.\n\n### Egraphs\n\n- **Jamey**: Fewer rules.\n"
    with CaptureQueriesContext(connection) as context:
        save_meeting(parse_meeting(notes), series=series, date=datetime.date(2023, 5, 3), source_text=notes)
    writes = [
        q for q in context.captured_queries if q["sql"].startswith('INSERT INTO "decisions_searchentry"')
    ]
    assert Topic.objects.count() == 2
    assert len(writes) == 1
    assert search.search("egraphs").hits[0].title.startswith("Cranelift weekly")


def test_a_topic_added_by_hand_to_imported_notes_is_indexed():
    series = MeetingSeries.objects.create(name="Cranelift weekly", slug="cranelift-weekly")
    notes = "# Cranelift weekly\n\n## Notes\n\n### Regalloc\n\n- **Chris**: Spill slots.\n"
    meeting = save_meeting(
        parse_meeting(notes), series=series, date=datetime.date(2023, 5, 3), source_text=notes
    )
    topic = Topic.objects.create(meeting=meeting, order=9, title="Winch", body="Baseline compiler status.")
    assert len(titles("winch")) == len(titles("baseline")) == 1
    topic.body = "Nothing new."
    topic.save()
    assert titles("baseline") == []


def test_a_match_deep_in_a_long_text_is_excerpted_where_it_is():
    filler = "Nothing to see in this paragraph at all. " * 300
    make_precedent(
        "Long", summary="Short summary.", lessons=f"{filler}\n\nThe trampolines moved.\n\n{filler}"
    )
    snippet = search.search("trampoline").hits[0].snippet
    assert "<mark>trampolines</mark> moved" in snippet


def test_decisions_are_found_by_their_options():
    decision = make_decision("Where do WASI implementations live?", number=1)
    Option.objects.create(decision=decision, name="Out of tree", why_not="Loses the CLI integration.")
    assert titles("integration") == ["DR-0001: Where do WASI implementations live?"]


def test_precedents_are_found_by_their_lessons_and_organization():
    make_precedent("CSI migration", organization="Kubernetes", lessons="Translation layers buy time.")
    assert titles("translation") == titles("kubernetes") == ["CSI migration"]


def test_the_type_filter_keeps_only_that_kind():
    make_rfc("Exception handling", number=8)
    make_decision("Which exception model?", number=1)
    make_precedent("Exception tables", summary="How exception tables work.")
    assert titles("exception", kinds=["decision"]) == ["DR-0001: Which exception model?"]
    assert len(titles("exception", kinds=["rfc", "precedent"])) == 2
    assert len(titles("exception")) == 3


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown kinds"):
        search.search("wasi", kinds=["person"])


# Excerpts ----------------------------------------------------------------------------------------


def test_snippets_mark_the_matched_words():
    make_precedent("Rollouts", summary="Every change ships behind a feature flag, then the flag goes.")
    hit = search.search("flags").hits[0]
    assert "<mark>flag</mark>" in hit.snippet
    assert "<mark>" not in hit.title_html


def test_the_title_marks_its_matches_too():
    make_precedent("Feature flags everywhere", summary="Short.")
    assert "<mark>flags</mark>" in search.search("flag").hits[0].title_html


def test_a_long_title_is_shown_whole_with_every_match_marked():
    words = " ".join(f"word{i}" for i in range(30))
    make_precedent(f"Flags {words} and more flags", summary="Short.")
    title = search.search("flag").hits[0].title_html
    assert title.count("<mark>") == 2 and "word29 and more <mark>flags</mark>" in title


def test_the_title_marks_accented_and_unusual_letters_as_the_index_matches_them():
    # İ lowers to two characters: the title is compared word by word, folded.
    make_precedent("Résumé handling for İstanbul mirrors", summary="Short.")
    assert "<mark>Résumé</mark>" in search.search("résumé").hits[0].title_html
    assert "<mark>mirrors</mark>" in search.search("mirror").hits[0].title_html


def test_html_in_the_indexed_text_is_escaped_in_title_and_snippet():
    make_rfc(
        "<script>alert(1)</script> loader",
        number=1,
        body="Set `<img src=x onerror=alert(1)>` in the loader.\n",
    )
    hit = search.search("loader").hits[0]
    for html in (hit.title_html, hit.snippet):
        assert set(re.findall(r"</?([a-zA-Z]+)", html)) == {"mark"}
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>loader</mark>" in hit.title_html
    assert "&lt;img src=x onerror=alert(1)&gt;" in hit.snippet
    assert hit.title == "RFC 1: <script>alert(1)</script> loader"


def test_excerpts_read_as_text_without_markdown_or_decoration():
    body = (
        "# Summary\n\nThe **cargo vet** audit, see [the guide](https://example.org/vet).[^1]\n\n"
        "# Plan\n\n- [ ] check it\n\n[^1]: Footnote on vet.\n"
    )
    make_rfc("Supply chain", number=1, body=body)
    entry = SearchEntry.objects.get()
    assert entry.summary == "The cargo vet audit, see the guide."
    assert entry.body == "Plan\ncheck it\nFootnote on vet."
    assert not re.search(r"[*\[\]#☐↩]|\(to do\)|https://", entry.summary + entry.body)


def test_excerpts_run_blocks_on_with_a_dot_where_no_punctuation_ends_one():
    assert readable("Add CODEOWNERS\nEnable it\n\nDone.\nNext  step") == (
        "Add CODEOWNERS · Enable it · Done. Next step"
    )


# Keeping the index current -----------------------------------------------------------------------


def test_editing_a_record_rewrites_its_entry():
    rfc = make_rfc("Trampolines", number=1)
    rfc.title = "Host call glue"
    rfc.save()
    assert titles("trampolines") == []
    assert titles("glue") == ["RFC 1: Host call glue"]
    assert SearchEntry.objects.count() == 1


def test_deleting_a_record_removes_its_entry():
    make_precedent("Rollouts", summary="feature flags")
    Precedent.objects.get().delete()
    assert titles("rollouts") == []
    assert not SearchEntry.objects.exists()


def test_a_rolled_back_save_leaves_no_entry():
    with pytest.raises(RuntimeError), transaction.atomic():
        make_precedent("Rollouts", summary="feature flags")
        assert titles("rollouts") == ["Rollouts"]
        raise RuntimeError("after the save")
    assert titles("rollouts") == []
    assert not SearchEntry.objects.exists()


def test_a_rolled_back_edit_restores_the_old_entry():
    precedent = make_precedent("Rollouts", summary="feature flags")
    with pytest.raises(RuntimeError), transaction.atomic():
        precedent.title = "Canaries"
        precedent.save()
        raise RuntimeError("after the save")
    assert titles("rollouts") == ["Rollouts"]
    assert titles("canaries") == []


def test_deleting_a_remark_rewrites_its_meeting_entry():
    meeting = make_meeting(title="Cranelift weekly")
    topic = Topic.objects.create(meeting=meeting, order=1, title="Regalloc")
    remark = Remark.objects.create(topic=topic, order=1, speaker_name="Chris", text="Spill slots are cheap.")
    assert titles("spill") == ["Cranelift weekly"]
    remark.delete()
    assert titles("spill") == []
    assert titles("regalloc") == ["Cranelift weekly"]


def test_editing_an_option_rewrites_its_decision_entry():
    decision = make_decision("Which interpreter?", number=3)
    option = Option.objects.create(decision=decision, name="wasm3")
    option.name = "Pulley"
    option.save()
    assert titles("wasm3") == []
    assert titles("pulley") == ["DR-0003: Which interpreter?"]
    option.delete()
    assert titles("pulley") == []


def test_deleting_a_meeting_removes_its_entry_with_its_topics_and_remarks():
    meeting = make_meeting(title="Cranelift weekly")
    topic = Topic.objects.create(meeting=meeting, order=1, title="Regalloc")
    Remark.objects.create(topic=topic, order=1, text="Spill slots.")
    meeting.delete()
    assert not SearchEntry.objects.exists()


def test_deleting_a_decision_removes_its_entry_with_its_options():
    make_decision("Which interpreter?", number=3, options=3)
    Decision.objects.get().delete()
    assert not SearchEntry.objects.exists()


def test_deleting_many_topics_rewrites_their_meeting_entry_once():
    meeting = make_meeting(title="Cranelift weekly")
    for order in range(1, 6):
        topic = Topic.objects.create(meeting=meeting, order=order, title=f"Topic {order}")
        Remark.objects.create(topic=topic, order=1, text=f"Remark {order}.")
    with CaptureQueriesContext(connection) as context:
        meeting.topics.all().delete()
    writes = [
        q["sql"]
        for q in context.captured_queries
        if q["sql"].startswith('INSERT INTO "decisions_searchentry"')
    ]
    assert len(writes) == 1
    assert titles("remark") == []
    assert titles("cranelift") == ["Cranelift weekly"]


def test_a_save_that_changes_no_indexed_field_leaves_the_entry_alone():
    decision = make_decision("Which interpreter?", number=3)
    with CaptureQueriesContext(connection) as context:
        decision.save(update_fields=["version"])
    assert not [q for q in context.captured_queries if "decisions_searchentry" in q["sql"]]


def test_loaddata_indexes_the_demo_from_its_rendered_markdown():
    call_command("loaddata", "fixtures/demo.json", verbosity=0)
    records = (
        RFC.objects.count() + Meeting.objects.count() + Decision.objects.count() + Precedent.objects.count()
    )
    assert SearchEntry.objects.count() == records
    assert {"Kubernetes 1.17: CSI migration beta", "Out-of-tree CSI volume plugins (KEP #178)"} <= set(
        titles("kubernetes")
    )
    assert not any("**" in entry.body for entry in SearchEntry.objects.all())


def test_rebuild_index_writes_every_entry_again():
    make_rfc("Trampolines", number=1)
    make_meeting(title="Cranelift weekly")
    make_decision("Which interpreter?", number=3, options=2)
    make_precedent("Rollouts")
    SearchEntry.objects.all().delete()
    assert rebuild_index() == {"rfc": 1, "meeting": 1, "decision": 1, "precedent": 1}
    assert titles("trampolines") == ["RFC 1: Trampolines"]
    assert titles('"option 1"') == ["DR-0003: Which interpreter?"]


def test_the_command_prints_one_json_object_as_its_last_line():
    make_precedent("Rollouts")
    out = io.StringIO()
    call_command("rebuild_search_index", "--json", stdout=out)
    report = json.loads(out.getvalue().splitlines()[-1])
    assert report["indexed"] == {"rfc": 0, "meeting": 0, "decision": 0, "precedent": 1}
    assert report["total"] == 1


def test_the_database_index_stays_in_step_with_the_entries():
    rfc = make_rfc("Trampolines", number=1)
    rfc.title = "Glue"
    rfc.save()
    make_precedent("Rollouts").delete()
    rebuild_index()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'decisions_searchentry_vector'")
            assert "USING gin (vector)" in cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM decisions_searchentry WHERE vector IS NULL OR vector = ''")
            assert cursor.fetchone()[0] == 0
        assert titles("glue") == ["RFC 1: Glue"] and titles("trampolines") == []
        return
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('integrity-check', 1)")
