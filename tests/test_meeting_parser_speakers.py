"""Speakers and attribution: who the notes give words to, and only them (issue 13)."""

from __future__ import annotations

import textwrap

import pytest

from decisions.meetings.parsing import ParsedMeeting, parse_meeting

pytestmark = pytest.mark.text_only  # tests/conftest.py: those without a database run once


def parse(text: str) -> ParsedMeeting:
    return parse_meeting(textwrap.dedent(text).lstrip("\n"))


def said(meeting: ParsedMeeting) -> list[tuple[str | None, str]]:
    return [(r.speaker, r.text) for topic in meeting.topics for r in topic.remarks]


# Reported speech -------------------------------------------------------------------------------


def test_prose_minutes_give_words_to_the_person_reported_as_saying_them():
    meeting = parse(
        """
        ## Scheduling
        Chris explained that email works better across time zones. He reported that
        nobody read the channel. This was discussed with others. Emily agreed and
        explained that she missed messages too. Andrew Brown brought up the time.
        """
    )
    assert meeting.speakers == ["Chris", "Emily", "Andrew Brown"]
    assert [r[0] for r in said(meeting)] == ["Chris", "Emily", "Andrew Brown"]
    # "This was discussed with others." stays in Chris's paragraph, not Emily's.
    assert said(meeting)[1][1].startswith("Emily agreed")


@pytest.mark.parametrize(
    "line",
    [
        "Marcin is using WASI-threads in production.",  # what someone does, not what they said
        "Chris will make a proposal.",
        "He explained the plan again.",  # a pronoun is nobody's name
        "Will shared-nothing linking work with extension modules?",
        "We've agreed to keep the current time.",
        "Mapping shared memory was discussed.",
        "Members discussed the roster.",
    ],
)
def test_sentences_that_only_look_like_reported_speech_name_nobody(line):
    meeting = parse(f"## Topic\n{line}\n")
    assert meeting.speakers == []


def test_reported_speech_under_someones_bullet_is_the_reported_persons():
    meeting = parse(
        """
        ## Notes
        - Marcin: we should sync
            - Dominik suggested a whiteboard session
        """
    )
    assert [r[0] for r in said(meeting)] == ["Marcin", "Dominik"]


# Labels that name a person's words ------------------------------------------------------------


def test_a_possessive_label_and_comment_from_name_are_speakers():
    meeting = parse(
        """
        ## Notes
        - Joel's update: still implementing resources.
        - Comment from Sam: this needs an RFC.
        - Christoph's take: shared everything can be optimised.
        """
    )
    assert meeting.speakers == ["Joel", "Sam", "Christoph"]
    assert said(meeting)[0] == ("Joel", "still implementing resources.")


def test_a_thing_that_belongs_to_someone_is_not_a_speaker_label():
    meeting = parse(
        """
        ## Notes
        - Pat's wasi: the adapter is vendored.
        - The team's update: nothing new.
        - Feedback from the TSC: approved.
        """
    )
    assert meeting.speakers == []


# Stand-up lists and nesting --------------------------------------------------------------------


def test_a_bare_handle_over_sub_bullets_is_that_persons_update():
    meeting = parse(
        """
        ### Attendees
        - cfallin
        - elliottt

        ### Notes
        - Status
            - elliottt
                - RA2 work
            - cfallin
                - code review
        """
    )
    assert ("elliottt", "RA2 work") in said(meeting) and ("cfallin", "code review") in said(meeting)


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("David provided an election update. The call for nominations closed at midnight.", ["David"]),
        ("Till provided a debrief on a meeting he held recently.", ["Till"]),
        ("Oscar gave an Elected Delegate special election update.", ["Oscar"]),
        ("Ralph indicated the string-based version might be simpler.", ["Ralph"]),
        # Not a person reporting: a thing "provided", a buffer the caller provides.
        ("Caller provided buffers need to be unified with WASI.", []),
        ("Fastly provided the hardware for the runners.", []),
    ],
)
def test_minutes_that_say_someone_gave_an_update_give_that_person_words(paragraph, expected):
    assert parse(f"## Topic\n{paragraph}\n").speakers == expected


def test_a_person_in_a_stand_up_round_with_no_updates_still_spoke():
    meeting = parse(
        """
        ### Attendees
        * Erik Rose
        * Alex Crichton
        * Ulrich Weigand

        ### Notes
        * Erik
          * working on the epoch stuff
        * Alex
          * no updates
        * Ulrich
          * No updates.
        """
    )
    # As "Alex: no updates" would: the round gives Alex those words.
    assert meeting.speakers == ["Erik", "Alex", "Ulrich"]
    assert ("Alex", "no updates") in said(meeting)


def test_a_handle_written_once_in_a_round_of_speakers_is_a_speaker_too():
    meeting = parse(
        """
        ### Attendees
        - fitzgen
        - cfallin
        - alexcrichton

        ### Notes
        - Updates
          - cfallin: exception handling work
          - alexcrichton: no updates
          - bjorn3: no updates
          - fitzgen: inlining supported now
        - Labels
          - Goal: faster builds
          - Status: on track
          - Owner: nobody yet
        """
    )
    assert meeting.speakers == ["cfallin", "alexcrichton", "bjorn3", "fitzgen"]


def test_a_no_updates_line_under_nobody_is_no_ones():
    meeting = parse(
        """
        ### Notes
        * Updates
          * no updates
        """
    )
    assert meeting.speakers == []


def test_a_bare_word_over_sub_bullets_is_not_a_person():
    meeting = parse(
        """
        ## Notes
        - Status
            - Performance
                - it got slower
        """
    )
    assert meeting.speakers == [] and all(speaker is None for speaker, _ in said(meeting))


def test_a_sub_bullet_under_a_speakers_remark_is_the_note_takers():
    meeting = parse(
        """
        ## Notes
        - Till: cg-cliff needs exceptions
            - Exceptions on cg-cliff are being worked on by Bjarne (?)
            - I'll write the RFC
        - Nick:
            - the spec text is stable
        """
    )
    assert said(meeting) == [
        ("Till", "cg-cliff needs exceptions"),
        (None, "Exceptions on cg-cliff are being worked on by Bjarne (?)"),  # nobody said it
        ("Till", "I'll write the RFC"),  # in the first person: Till goes on
        ("Nick", "the spec text is stable"),  # under "Nick:" alone: Nick's
    ]


# Attendees and how labels are tied to them ----------------------------------------------------


def test_a_handle_with_digits_is_an_attendee_but_a_phone_number_is_not():
    meeting = parse(
        """
        ### Attendees
        - afonso360
        - +1 669 900 6833

        ### Notes
        - afonso360: SIMD work landed
        """
    )
    assert meeting.attendees == ["afonso360"]
    assert meeting.speakers == ["afonso360"]


def test_a_person_written_two_ways_is_one_speaker_with_how_the_label_was_tied():
    meeting = parse(
        """
        ### Attendees
        - Stuart Schaefer
        - Ayako Akasaka

        ### Notes
        Stuart Schaefer discussed his PR. Stuart requested feedback. Ayako mentioned the time zone.
        """
    )
    assert meeting.speakers == ["Stuart Schaefer", "Ayako"]
    details = {d["name"]: d for d in meeting.speaker_details}
    assert details["Ayako"]["attendee"] == "Ayako Akasaka"
    assert details["Ayako"]["match"] == "first name"
    assert details["Ayako"]["found"] == "reported"
    assert details["Stuart Schaefer"]["match"] == "exact"


def test_a_first_name_ties_to_the_only_handle_starting_with_it_and_says_so():
    text = """
        ### Attendees
        - alexcrichton
        - cfallin

        ### Notes
        - alex: can we factor out the logic?
        - cfallin: yes
        """
    meeting = parse(text)
    assert meeting.aliases == {"alex": "alexcrichton"}
    assert meeting.alias_matches == {"alex": "handle prefix"}
    two = parse(text.replace("- cfallin\n", "- cfallin\n        - alexa\n", 1))
    assert "alex" not in two.aliases  # two handles start so: no guess


def test_a_bracketed_presenter_after_an_ellipsis_is_still_the_speaker():
    meeting = parse(
        """
        * Updates:
            * [Lann] - v0 preview Registry is up
        * ... [Luke] - Prototyping a PR on how import names are defined in the component model binary.
        * ... and then the call ended
        """
    )
    assert meeting.speakers == ["Lann", "Luke"]
    # The title is the subject, without the ellipsis or the presenter's tag.
    assert [t.title for t in meeting.topics][:2] == [
        "Updates",
        "Prototyping a PR on how import names are defined in the component model binary.",
    ]


@pytest.mark.parametrize(
    ("line", "speakers"),
    [
        ("In the interest of time, David highlighted two agenda items.", ["David"]),
        ("Among old business carried forward, Bailey reintroduced her proposal.", ["Bailey"]),
        ("For the next meeting, Stuart volunteered to present.", ["Stuart"]),
        # A lead-in that runs on, a name that is only mentioned: nobody speaks.
        ("After a long and winding discussion about the many proposals, Bailey reintroduced hers.", []),
        ("For coordination, the draft from Eric was mentioned.", []),
    ],
)
def test_reported_speech_after_a_short_lead_in(line, speakers):
    meeting = parse(f"## Attendees\n\n- David\n- Bailey\n- Stuart\n- Eric\n\n### Topic #1\n\n{line}\n")
    assert meeting.speakers == speakers
