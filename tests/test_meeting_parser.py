"""decisions.meetings.parsing: what is read from notes written the many ways people write them."""

from __future__ import annotations

import datetime
import textwrap

import pytest

from decisions.meetings.parsing import MeetingParseError, ParsedMeeting, parse_meeting
from decisions.meetings.parsing.blocks import strip_markup
from decisions.meetings.paths import date_from_path, series_name

pytestmark = pytest.mark.text_only  # tests/conftest.py: those without a database run once


def parse(text: str, **options: object) -> ParsedMeeting:
    return parse_meeting(textwrap.dedent(text).lstrip("\n"), **options)  # type: ignore[arg-type]


def remarks(meeting: ParsedMeeting) -> list[tuple[str | None, str]]:
    return [(r.speaker, r.text) for topic in meeting.topics for r in topic.remarks]


def owners(meeting: ParsedMeeting) -> list[tuple[str | None, str]]:
    return [(item.owner, item.text) for item in meeting.action_items]


# Speakers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "**Till**: In favour.",
        "**Till:** In favour.",
        "*Till*: In favour.",
        "Till: In favour.",
        "- Till: In favour.",
        "* **Till:** In favour.",
        "- [Till] In favour.",
        "- [Till]: In favour.",
        "Till says: In favour.",
        "@Till: In favour.",
    ],
)
def test_each_way_of_writing_a_speaker_is_understood(line):
    meeting = parse(f"# Call\n\n## Notes\n\n### Topic\n\n{line}\n")
    assert remarks(meeting) == [("Till", "In favour.")]


def test_a_dash_names_the_speaker_when_the_name_is_an_attendee():
    meeting = parse(
        """
        ## Attendees
        - Chris Fallin
        ## Notes
        ### Topic
        * Chris - we should keep the old DSL
        * ARC - Intel
        """
    )
    assert remarks(meeting) == [("Chris", "we should keep the old DSL"), (None, "ARC - Intel")]


def test_a_handle_in_parentheses_names_the_speaker_the_attendee_list_gave_it():
    meeting = parse(
        """
        ## Attendees
        * Nick Fitzgerald (nf)
        ## Notes
        * (nf) the DSL should be optional
        """
    )
    assert remarks(meeting) == [("nf", "the DSL should be optional")]
    assert meeting.aliases == {"nf": "Nick Fitzgerald"}


def test_initials_of_an_attendee_are_a_speaker():
    meeting = parse(
        """
        ### Attendees
        - Andrew Brown
        ### Notes
        AB: merged several PRs related to x64 lowering.
        """
    )
    assert remarks(meeting) == [("AB", "merged several PRs related to x64 lowering.")]
    assert meeting.aliases == {"AB": "Andrew Brown"}


def test_last_name_first_is_one_speaker_where_the_attendee_list_writes_names_so():
    meeting = parse(
        """
        ### Attendees
        - Brown, Andrew
        - Sun, Mingqiu
        ### Notes
        Brown, Andrew: Does anyone have any questions?
        """
    )
    assert meeting.speakers == ["Brown, Andrew"]


def test_two_names_before_a_colon_are_two_speakers():
    meeting = parse("## Notes\n\n- Robin, Bailey: our vote is to move forward\n")
    assert meeting.speakers == ["Robin", "Bailey"]


def test_continuation_lines_belong_to_the_speaker_above():
    meeting = parse(
        """
        ### Wasm64
        Alex: I'm implementing wasm64 in Cranelift.
        Initial focus is on getting it working.
        Andrew: Is there a way to use guard pages?
        """
    )
    assert remarks(meeting) == [
        ("Alex", "I'm implementing wasm64 in Cranelift.\nInitial focus is on getting it working."),
        ("Andrew", "Is there a way to use guard pages?"),
    ]


def test_sub_bullets_have_a_depth_and_follow_the_speaker_above():
    meeting = parse(
        """
        ### Attendees
        - abrown
        - cfallin
        ### Notes
        - abrown:
          - new `func_addr` lowering
            - problem: we had to hardcode the scaling factor
        - cfallin: nothing this week
          - Dominik suggested a whiteboard session
        """
    )
    assert [(r.speaker, r.depth) for r in meeting.topics[0].remarks] == [
        ("abrown", 1),
        ("abrown", 2),
        ("cfallin", 0),
        ("Dominik", 1),  # reported speech: Dominik's words, not cfallin's
    ]


def test_a_name_alone_on_a_line_speaks_for_the_list_below_it():
    meeting = parse(
        """
        ## Lockfile v2

        Victor:
         * What is lockfile V2, could you elaborate?

        Mikhail:
         * Right now the workspace lockfile is a hack
        """
    )
    assert remarks(meeting) == [
        ("Victor", "What is lockfile V2, could you elaborate?"),
        ("Mikhail", "Right now the workspace lockfile is a hack"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Note: meeting notes are linked in the invite.",
        "Update: the PR landed.",
        "Proposal: use Docusaurus.",
        "Question: who maintains it?",
        "https://github.com/bytecodealliance/wasmtime/issues/3205",
        "10:30 we start with the demo",
        "The thing we discussed last week: it is done",
        "Target Audience: developers new to components",
        "Various: it's a tradeoff",
        "Q: what does a wide bool mean?",
    ],
)
def test_labels_that_are_not_people_are_not_speakers(line):
    meeting = parse(f"### Topic\n\n{line}\n")
    assert [r.speaker for r in meeting.topics[0].remarks] == [None]


def test_speakers_are_listed_once_in_order_of_first_remark():
    meeting = parse("### A\nTill: one\nAlex: two\n### B\nTIll: three\nDan: four\n")
    assert meeting.speakers == ["Till", "Alex", "Dan"]
    assert meeting.topics[1].speakers == ["TIll", "Dan"]


def test_nothing_inside_a_code_fence_is_a_remark_or_a_heading():
    meeting = parse(
        """
        ### Config
        Taylor: use overrides like so
        ```toml
        # escape hatch
        Note: this is toml
        Till: not a remark
        ```
        """
    )
    assert [t.title for t in meeting.topics] == ["Config"]
    assert remarks(meeting) == [("Taylor", "use overrides like so")]


def test_tables_block_quotes_and_html_comments_are_not_remarks():
    meeting = parse(
        """
        ### Lime1
        <!-- Till: a hidden comment -->
        > Dan: quoted from another meeting
        | Name | Role |
        | --- | --- |
        | Till: x | y |

        Emily: this is the only remark
        """
    )
    assert remarks(meeting) == [("Emily", "this is the only remark")]


# Topics ---------------------------------------------------------------------------------------


def test_headings_of_any_level_below_the_title_are_topics():
    meeting = parse("# Call\n## Notes\n### One\nTill: a\n#### Two\nAlex: b\n## Three\nDan: c\n")
    assert [t.title for t in meeting.topics] == ["One", "Three"]
    assert [len(t.remarks) for t in meeting.topics] == [2, 1]


def test_top_level_bullets_over_sub_bullets_are_topics():
    meeting = parse(
        """
        ### Notes
        * ISLE migration
          * cfallin: how is it going?
          * jlbirch: not currently involved
        * Left-hand sides in ISLE
          * cfallin: sometimes hard to use extractors
        """
    )
    assert [(t.title, len(t.remarks)) for t in meeting.topics] == [
        ("ISLE migration", 2),
        ("Left-hand sides in ISLE", 1),
    ]


def test_bracketed_presenters_start_topics():
    meeting = parse(
        """
        ## May 3, 2023 - SIG Registries meeting

        * [Danny] - Dogfood Content Storage
            * Danny: What else needs to be done?
            * Peter: Attach network storage.
        * [Calvin] - Namespace aliases
        """
    )
    assert [t.title for t in meeting.topics] == ["Dogfood Content Storage", "Namespace aliases"]
    # "[Calvin] - ..." gives Calvin the topic: he is a speaker, credited as presenter, not with its bullets.
    assert meeting.speakers == ["Danny", "Peter", "Calvin"]
    assert [t.presenter for t in meeting.topics] == ["Danny", "Calvin"]
    assert [r.speaker for r in meeting.topics[0].remarks] == ["Danny", "Peter"]


def test_numbered_agenda_items_with_the_discussion_under_them_are_topics():
    meeting = parse(
        """
        ## Agenda
        1. Opening, welcome and roll call
        1. Threads
            1. Achille: Go is working on a wasm32 architecture.
            1. Luke: Threads are a few years out.
        1. Exceptions
            1. Luke: The proposal has progressed far.
        """
    )
    assert [(t.title, t.speakers) for t in meeting.topics] == [
        ("Threads", ["Achille", "Luke"]),
        ("Exceptions", ["Luke"]),
    ]
    assert "Opening, welcome and roll call" in meeting.agenda


def test_an_agenda_of_placeholders_gives_no_topics():
    meeting = parse(
        """
        # October 13th Wasmtime project call
        ## Agenda
        1. Other agenda items
            1. _Submit a PR to add your item here_
        ## Notes
        ### Attendees
        ### Notes
        * TODO
        ## Action Items
        * [ ] TODO
        """
    )
    assert meeting.topics == [] and meeting.action_items == [] and meeting.attendees == []


def test_a_bold_label_bullet_is_a_topic_when_the_label_is_not_a_name():
    meeting = parse(
        """
        ## Notes
        * **Promoting documentation:** We now have 2 volumes of curated documentation.
        * **Next meeting:** Most people are at Wasm I/O this week.
        """
    )
    assert [(t.title, remarks_of(t)) for t in meeting.topics] == [
        ("Promoting documentation", [(None, "We now have 2 volumes of curated documentation.")]),
        ("Next meeting", [(None, "Most people are at Wasm I/O this week.")]),
    ]


def remarks_of(topic: object) -> list[tuple[str | None, str]]:
    return [(r.speaker, r.text) for r in topic.remarks]  # type: ignore[attr-defined]


def test_a_topic_body_keeps_its_markdown():
    meeting = parse("# Call\n### Topic\n\nTill: see [the RFC](https://example.org/rfc).\n")
    assert meeting.topics[0].body == "Till: see [the RFC](https://example.org/rfc)."
    assert meeting.topics[0].line == 2


# Titles and dates -----------------------------------------------------------------------------


def test_the_title_loses_its_link_markup_and_html_entities():
    meeting = parse("# Wasm+ML Working Group &mdash; February 5 | [calendar](https://example.org/e)\n")
    assert meeting.title == "Wasm+ML Working Group — February 5 | calendar"


def test_a_subtitle_under_the_title_is_part_of_it():
    meeting = parse(
        "# Meeting Minutes\n## Bytecode Alliance Technical Steering Committee\n**Date:** January 28, 2025\n"
    )
    assert meeting.title == "Meeting Minutes — Bytecode Alliance Technical Steering Committee"
    assert meeting.date == datetime.date(2025, 1, 28)


def test_notes_without_a_title_say_so():
    meeting = parse("## Agenda\n- Introductions\n", path="Python/2023/guest-python-03-10.md")
    assert meeting.title == ""
    assert any("No title" in warning for warning in meeting.warnings)


def test_the_date_comes_from_the_title_with_the_year_of_the_folder():
    meeting = parse("# March 30 project call\n", path="notes/2023/call.md")
    assert meeting.date == datetime.date(2023, 3, 30)


def test_the_date_comes_from_a_date_field():
    assert parse("# Call\n**Date:** 2023-03-30  \n").date == datetime.date(2023, 3, 30)


def test_the_file_name_wins_over_a_title_that_disagrees():
    meeting = parse("# 2026 June 15 - SIG-Packaging meeting\n", path="SIG-Packaging/2026/2026-08-19.md")
    assert meeting.date == datetime.date(2026, 8, 19)
    assert meeting.text_date == datetime.date(2026, 6, 15)
    assert any("file name wins" in warning for warning in meeting.warnings)


def test_the_default_date_is_used_when_nothing_gives_one():
    meeting = parse("# Call\n", default_date=datetime.date(2024, 5, 1))
    assert meeting.date == datetime.date(2024, 5, 1)


def test_the_default_date_gives_the_year_to_a_title_without_one():
    meeting = parse("# March 30 project call\n", default_date=datetime.date(2023, 1, 1))
    assert meeting.date == datetime.date(2023, 3, 30)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("wasmtime/2023/wasmtime-03-30.md", datetime.date(2023, 3, 30)),
        ("SIG-Guest-Languages/2023/guest-langs-08-08-2023.md", datetime.date(2023, 8, 8)),
        ("archived/sig-registries/2024/2024-01-10.md", datetime.date(2024, 1, 10)),
        ("SIG-Embedded/2026/01-20-2026-Meeting-Notes.md", datetime.date(2026, 1, 20)),
        ("SIG-Embedded/2024/06-19-Inaugural-meeting.md", datetime.date(2024, 6, 19)),
        ("SIG-Documentation/2024/docs-07-3.md", datetime.date(2024, 7, 3)),
        ("community/2024/community-1-30.md", datetime.date(2024, 1, 30)),
        ("TSC/2025/tsc-wamr-cve-debrief-0626.md", datetime.date(2025, 6, 26)),
        ("SIG-Community/2024/SIG-Community/2024/community-08-06.md", datetime.date(2024, 8, 6)),
        ("C:\\notes\\wasmtime\\2023\\wasmtime-03-30.md", datetime.date(2023, 3, 30)),
        ("archived/sig-registries/2022/sig-registry-valencia.md", None),
        ("wasmtime/wasmtime-03-30.md", None),
        ("wasmtime/2023/wasmtime-13-45.md", None),
    ],
)
def test_the_date_is_read_from_the_file_path(path, expected):
    assert date_from_path(path) == expected


def test_series_names_come_from_folder_names():
    assert series_name(["SIG-Guest-Languages", "Python"]) == "SIG Guest Languages: Python"
    assert series_name(["sig-registries"]) == "SIG Registries"
    assert series_name(["wasmtime"]) == "Wasmtime"


# Attendees ------------------------------------------------------------------------------------


def test_attendees_lose_affiliations_and_keep_their_handles_as_aliases():
    meeting = parse(
        """
        ## Attendees
        - Till (Fastly)
        - Eric Gregory, Cosmonic
        - @tschneidereit
        - Nick Fitzgerald (nf)
        - Hung-Ying Tai (hydai)
        - TODO
        """
    )
    assert meeting.attendees == ["Till", "Eric Gregory", "tschneidereit", "Nick Fitzgerald", "Hung-Ying Tai"]
    assert meeting.attendee_aliases == {"Nick Fitzgerald": ["nf"], "Hung-Ying Tai": ["hydai"]}


def test_attendees_on_one_line_are_split_at_commas():
    meeting = parse(
        "# Call\n\nAttendees: [Calvin Prewitt](mailto:c@example.org), Luke Wagner, ops@example.org\n"
    )
    assert meeting.attendees == ["Calvin Prewitt", "Luke Wagner"]


def test_attendees_in_bare_lines_and_a_present_block_are_read():
    hard_break = "  "  # the TSC minutes end each name with a Markdown hard line break
    meeting = parse_meeting(
        "\n".join(
            [
                "# Meeting Minutes",
                f"**TSC Members present:**{hard_break}",
                f"Bailey Hayes{hard_break}",
                f"Till Schneidereit{hard_break}",
                "",
                f"**Others present:**{hard_break}",
                "David Bryant, Secretary (note taker)",
                "",
                "### Attendees",
                "",
                "in no particular order:",
                "",
                "George Kulakowski",
                "Sam Parker-Haynes",
            ]
        )
    )
    assert meeting.attendees == [
        "Bailey Hayes",
        "Till Schneidereit",
        "David Bryant",
        "George Kulakowski",
        "Sam Parker-Haynes",
    ]


def test_attendees_in_tables_are_read():
    meeting = parse(
        """
        ## May 3, 2023 - SIG Registries meeting

        |          |      |
        | -------- | -------- |
        | Attending  | Calvin Prewitt, Robin Brown (Fastly)
        | Note Taker | Chris Dickinson

        ## Attendees

        | Attendee          |
        |-------------------|
        | Tomasz Andrzejak  |
        """
    )
    assert meeting.attendees == ["Calvin Prewitt", "Robin Brown", "Chris Dickinson", "Tomasz Andrzejak"]


def test_a_first_name_later_in_the_list_folds_into_the_full_name():
    meeting = parse("# Call\n**Notes:** Jamey\n\n## Attendees\n- Jamey Cortland (Fastly)\n")
    assert meeting.attendees == ["Jamey Cortland"]


# Action items ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "owner", "text"),
    [
        ("- [ ] Till: get the RFC written", "Till", "get the RFC written"),
        ("AI: Till to write the RFC", "Till", "write the RFC"),
        ("Action item: send the Kubernetes links (Victor)", "Victor", "send the Kubernetes links"),
        ("**Action**: Oscar will update the template", "Oscar", "update the template"),
        ("**Action:** David will post the minutes.", "David", "post the minutes."),
        ("**Action Item:** David will post the minutes.", "David", "post the minutes."),
        ("TODO(alex): file an issue", "alex", "file an issue"),
        ("Victor: will take care of this", "Victor", "take care of this"),
        ("Alex: I'll file an issue describing this.", "Alex", "file an issue describing this"),
        ("Till: so I will keep a dirty set", "Till", "keep a dirty set"),
    ],
)
def test_each_way_of_writing_an_action_item_is_understood(line, owner, text):
    meeting = parse(f"### Topic\n\n{line}\n")
    assert owners(meeting) == [(owner, text)]
    assert meeting.topics[0].action_items == meeting.action_items


@pytest.mark.parametrize(
    "line",
    [
        "Achille: Will the in-person meeting be a bigger decision-making moment?",
        "cfallin: will be annoying for new contributors",
        "Till: Will free up getting rid of the abstractions",
        "Team: I will at instantiation get a linking error, right?",
    ],
)
def test_what_only_sounds_like_a_commitment_is_not_an_action_item(line):
    assert parse(f"### Topic\n\n{line}\n").action_items == []


def test_an_action_items_section_makes_every_line_an_item():
    meeting = parse(
        """
        ## Action Items

        * [ ] Eric: PR change to use Docusaurus
        * [x] Divya/David to put a standing item on the agenda
        * Kyle - update co-chair statuses
        * Review PRs (everyone)
        * [ ] TODO

        Joel:
        - Talk to Robin about SIG status

        Brett will join BA Zulip
        Kate to push calculator components to GHCR
        Summary
        """
    )
    assert [(i.owner, i.done) for i in meeting.action_items] == [
        ("Eric", False),
        ("Divya", True),  # one task for two people: one item each
        ("David", True),
        ("Kyle", False),
        (None, False),
        ("Joel", False),
        ("Brett", False),
        ("Kate", False),
    ]


def test_action_items_listed_under_a_bullet_belong_to_that_list():
    meeting = parse(
        """
        * Updates
            * Peter: merged the DB PR
        * Action Items
            * Calvin: Create GitHub discussion for namespacing
            * Robin: Update the calendar invite
        """
    )
    assert owners(meeting) == [
        ("Calvin", "Create GitHub discussion for namespacing"),
        ("Robin", "Update the calendar invite"),
    ]
    assert [t.title for t in meeting.topics] == ["Updates"]


def test_a_due_date_is_read_when_written_as_a_date():
    meeting = parse(
        """
        # Call
        **Date:** 2023-03-30
        ## Action items
        - [ ] Till: get the RFC written by 2023-04-15
        - [ ] Nick: changelog due April 20
        - [ ] Joel: audits by Friday
        """
    )
    assert [i.due for i in meeting.action_items] == [
        datetime.date(2023, 4, 15),
        datetime.date(2023, 4, 20),
        None,
    ]


def test_action_items_in_a_topic_are_also_the_meetings():
    meeting = parse("### Topic\n- [ ] Till: write it\n## Action items\n- Nick: review it\n")
    assert owners(meeting) == [("Till", "write it"), ("Nick", "review it")]
    assert owners(meeting)[:1] == [(i.owner, i.text) for i in meeting.topics[0].action_items]


# Links and mentions ---------------------------------------------------------------------------


def test_links_are_markdown_links_and_bare_urls_without_relative_or_mail_links():
    meeting = parse(
        """
        **See the [instructions](../README.md) for details**

        ### Topic
        Till: see [the board](https://github.com/orgs/x/projects/16) and https://example.org/a).
        Nick: mail [me](mailto:nick@example.org), or <https://example.org/b>
        """
    )
    assert [(link.url, link.text) for link in meeting.links] == [
        ("https://github.com/orgs/x/projects/16", "the board"),
        ("https://example.org/a", ""),
        ("https://example.org/b", ""),
    ]
    assert meeting.topics[0].links == meeting.links


def test_rfc_and_decision_mentions_are_found_in_every_spelling():
    meeting = parse(
        """
        ### Topic
        Till: RFC 12 and RFC #13, see rfcs#14 and [the PR](https://github.com/bytecodealliance/rfcs/pull/15).
        Nick: tracked as DR-0001 and DR-2, not as DR-0.
        ```
        RFC 99 and DR-0099 in code do not count
        ```
        """
    )
    assert meeting.rfc_mentions == [12, 13, 14, 15]
    assert meeting.decision_mentions == [1, 2]
    assert meeting.topics[0].decision_mentions == [1, 2]


# Robustness and errors ------------------------------------------------------------------------

NOTES = "# Call\n\n## Notes\n\n### Topic\n\nTill: one\n\tAlex: two\n\n## Action items\n\n- [ ] Nick: three\n"


def test_crlf_and_a_byte_order_mark_read_the_same_as_plain_text():
    plain = parse_meeting(NOTES)
    windows = parse_meeting("\ufeff" + NOTES.replace("\n", "\r\n"))
    assert remarks(windows) == remarks(plain) and owners(windows) == owners(plain)
    assert windows.title == "Call"


def test_empty_notes_are_refused_with_a_clear_message():
    with pytest.raises(MeetingParseError, match="empty"):
        parse_meeting(" \n\ufeff\r\n")


def test_notes_over_the_size_limit_are_refused(settings):
    settings.MARKDOWN_MAX_BYTES = 1024
    with pytest.raises(MeetingParseError, match="the limit is 1 KB") as error:
        parse_meeting("Till: hello\n" * 200)
    assert error.value.line is None


def test_hostile_input_is_parsed_without_an_exception():
    text = "[" * 5000 + "*" * 5000 + "\n- " * 300 + "`" * 3000 + "\x00 <script>x</script> \udcff"
    assert isinstance(parse_meeting(text), ParsedMeeting)


def test_emphasis_is_set_aside_in_labels_and_the_speaker_still_found():
    # Emphasis spans are read up to a bound (so "_a _a _a ..." with no closer stays cheap); a
    # long bold stretch in a remark still loses its markers.
    long = "really " * 35
    meeting = parse_meeting(f"## Attendees\n- Till\n\n### Topic\n\n- **Till**: **{long}**done\n")
    assert meeting.topics[0].remarks[0].speaker == "Till"
    assert strip_markup(f"**{long}**") == long.strip()
    assert strip_markup("_a " * 2000) == ("_a " * 2000).strip()
