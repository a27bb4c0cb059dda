"""decisions.meetings.parsing: which subjects of real notes are topics, and how each was found."""

from __future__ import annotations

import textwrap

import pytest

from decisions.meetings.parsing import ParsedMeeting, parse_meeting

pytestmark = pytest.mark.text_only  # tests/conftest.py: those without a database run once


def parse(text: str) -> ParsedMeeting:
    return parse_meeting(textwrap.dedent(text).lstrip("\n"))


def titles(meeting: ParsedMeeting) -> list[str]:
    return [topic.title for topic in meeting.topics]


TEMPLATE_AGENDA = """
# January 29 | Project Bi-Weekly

## Agenda

1. Opening, welcome and roll call
   1. Find volunteer note taker. Thanks!
1. Announce that the meeting will be recorded and hit record.
1. Announcements
   1. _Submit a PR to add your announcement here_
1. Other agenda items
   1. Summary of security release
   1. Reliability of CI
   1. _Submit a PR to add your item here_
1. Issue Triage
   * [Old, Backlog Issues](https://github.com/example/project/issues)
1. Adjournment

## Attendees

* Chris Fallin
* Nick Fitzgerald

## Notes

* Chris: Summary of [recent security release](https://example.com/advisory)
  * Cranelift miscompilation on x86-64
* Reliability of CI
  * (Delaying this topic to next meeting)

## Last Old, Backlog Issue

Resume old issue backlog triage at #1111 next time.
"""


def test_agenda_items_are_topics_once_with_the_notes_written_under_them():
    meeting = parse(TEMPLATE_AGENDA)
    # The agenda's item and Chris's bullet are one topic; "Issue Triage" is where the backlog
    # heading belongs; the template's items, the recording and "Adjournment" are no subjects;
    # the CI item was deferred, in the notes, so it was not taken up.
    assert titles(meeting) == ["Summary of security release", "Issue Triage"]
    security = meeting.topics[0]
    assert security.speakers == ["Chris"]  # the bullet's head is still Chris's remark
    assert security.confidence == 1.0  # the agenda and the notes agree


def test_an_agenda_item_with_no_notes_is_a_topic_found_in_the_agenda():
    meeting = parse(
        """
        # Agenda
        - Status updates
        - Discuss meeting frequency (Joel)
        - Upcoming events @ricochet
        - Discuss conformance rules; Stuart Schaefer
        - Testing, Code Review
        - Anything else?

        # Notes
        - Joel: stick with every two weeks
        """
    )
    # Near miss: "Code Review" after the comma is no one's name.
    assert titles(meeting) == [
        "Status updates",
        "Discuss meeting frequency",
        "Upcoming events",
        "Discuss conformance rules",
        "Testing, Code Review",
        "Notes",
    ]
    assert [(t.found, t.confidence) for t in meeting.topics[:5]] == [("section", 0.9)] * 5
    assert (meeting.topics[5].found, meeting.topics[5].confidence) == ("inferred", 0.5)


def test_an_agenda_item_pairs_with_the_closest_heading_only():
    meeting = parse(
        """
        # Agenda
        1. `wkg` 0.16.0-rc.0
        1. Plans for `wkg` 0.17.0

        ## wkg 0.16.1

        Mikhail: 0.16.1 is out
        """
    )
    # Near miss: "Plans for wkg 0.17.0" shares a word with the heading, but the heading is the
    # other item's; version numbers name no subject.
    assert titles(meeting) == ["Plans for wkg 0.17.0", "wkg 0.16.1"]


def test_a_topic_whose_notes_say_it_was_deferred_is_dropped_but_a_discussion_of_deferring_is_not():
    meeting = parse(
        """
        ### Topic #1
        The group reviewed governance topics.

        ### Topic #2
        Due to a lack of time, the planning discussion will take place off-line.

        ### Topic #3
        We discussed at length whether the release should be deferred. Alex argued that the fix is
        small and well tested, Sam that the branch was cut last week and a new release candidate
        costs a full round of testing; after comparing the risk of shipping the known bug against
        the risk of the fix itself, the group agreed to ship on time with the fix included.
        """
    )
    assert titles(meeting) == ["Topic #1", "Topic #3"]


@pytest.mark.parametrize(
    ("heading", "kept"),
    [("Adjournment", False), ("Closing remarks", False), ("Closing the SIMD gap", True)],
)
def test_the_end_of_the_meeting_is_no_subject(heading, kept):
    meeting = parse(
        f"### Topic #1\nThe TSC reviewed the agenda.\n\n### {heading}\nIt was adjourned at 11:05am.\n"
    )
    assert (heading in titles(meeting)) is kept


def test_a_speakers_bullet_naming_a_subject_is_a_topic_and_a_report_is_a_remark():
    meeting = parse(
        """
        ## Attendees

        * abrown
        * fitzgen

        ## Notes

        * abrown: avx10 and apx
          * apx gives more registers
        * fitzgen: tail-call PRs landed
          * probestacks in progress
        * cfallin: nothing this week
          * Dominik suggested a whiteboard session
        * Alex: looking at XNNPACK for SIMD intrinsics. With egraphs, scheduling
          is much worse in a long loop body.
          * cfallin: fundamental to how elaboration works
        """
    )
    assert titles(meeting) == ["avx10 and apx", "Notes", "looking at XNNPACK for SIMD intrinsics"]
    assert meeting.topics[0].speakers == ["abrown"]
    assert [r.speaker for r in meeting.topics[1].remarks][:2] == [
        "fitzgen",
        None,
    ]  # "probestacks in progress" is not attributed


def test_a_persons_part_of_a_stand_up_round_is_not_a_topic():
    meeting = parse(
        """
        ### Attendees
        * abrown
        * elliottt

        ### Notes

        * abrown
          * avx10 would be a great improvement
        * Joel's update: still implementing resources
          * had to fix bugs in other projects
        * ISLE
          * the rules are now checked in
        """
    )
    # Near miss: "ISLE" over its sub-bullets names no one, so it is a subject.
    assert titles(meeting) == ["Notes", "ISLE"]


def test_a_line_such_as_updates_opens_the_round_which_ends_at_a_subject():
    meeting = parse(
        """
        ### Notes

        Updates
        - jlb6740: no major updates
        - cfallin: no updates
        - cfallin: three things on plate to look at
          - MachBuffer deferred-traps issue
        - cprop slowdown issue
          - want to understand the interactions first
        """
    )
    assert titles(meeting) == ["Updates", "cprop slowdown issue"]
    assert "cfallin" in meeting.topics[0].speakers  # the round holds the people's updates


def test_short_bullets_beside_name_tagged_subjects_are_subjects_too():
    meeting = parse(
        """
        ## Sep 27, 2023 - SIG Registries meeting

        - [Lann] Process for releasing Warg versions
            - [Comment proposing the process](https://example.com/201)
        - [Calvin] FetchToken PR
        - [Calvin] Federation
        - Peter thinks we should look at how the other registries handled the question of federation first.
        """
    )
    # Near miss: the last bullet is a sentence of notes, not a subject.
    assert titles(meeting)[:3] == ["Process for releasing Warg versions", "FetchToken PR", "Federation"]
    assert len(meeting.topics) == 4 and meeting.topics[3].title == "Notes"


def test_notes_that_are_only_a_list_of_plain_sentences_list_the_subjects():
    meeting = parse(
        """
        ## Notes

        * Brief discussion about efficiency of using fuel
        * Brief discussion about existing benchmarks
        """
    )
    assert titles(meeting) == [
        "Brief discussion about efficiency of using fuel",
        "Brief discussion about existing benchmarks",
    ]


def test_plain_sentences_beside_a_bullet_topic_stay_notes():
    meeting = parse(
        """
        ## Notes

        * We agreed to stick to the current time for the meeting.
        * General roadmap
          * performance work for the next release
        * We briefly discussed the IR project.
        """
    )
    assert titles(meeting) == ["Notes", "General roadmap"]


def test_a_sentence_telling_what_someone_did_is_notes_though_it_has_sub_bullets():
    meeting = parse(
        """
        ## Attendees
        * Chris Woods
        * Marcin Kolny

        ## Notes
        * Chris recapped the previous meeting
          * Goal is to define a critical minimal set
        * @Trenner, Thomas (Siemens) gave a brief update
          * the PoC runs on Zephyr
        * Marcin asked about game consoles
          * Christof mentioned plugin interfaces
        * Cranelift website
          * a few static pages
        """
    )
    assert [t.title for t in meeting.topics if not t.loose] == ["Cranelift website"]


def test_a_stand_up_round_of_one_word_names_is_no_topic_even_without_attendees():
    meeting = parse(
        """
        ## Notes
        * jamey
          * not much, holidays
          * thinking about translation validation
        * afonso
          * added a few more instructions to fuzzgen
        * trevor
          * fixed a fuzz bug
          * adding fuzzing support for cross compilation
        * regalloc3
          * whether to switch this year?
          * benchmarks needed first
        """
    )
    assert [t.title for t in meeting.topics if not t.loose] == []


def test_one_word_subjects_over_their_discussion_stay_topics():
    meeting = parse(
        """
        ## Notes
        * Naming
          * should packages be namespaced?
          * Luke: yes, by owner
        * Blog
          * a post before KubeCon
        * Signatures
          * sigstore or keys of our own?
        """
    )
    assert titles(meeting) == ["Naming", "Blog", "Signatures"]


def test_a_bullet_named_like_a_container_is_no_topic():
    meeting = parse(
        """
        Minutes:

        - Agenda
            - 1st, Depsolve Semantics from Kyle
                - lot of complexity in what we want out of the registry
        """
    )
    assert "Agenda" not in titles(meeting)


def test_a_heading_that_only_holds_subject_headings_gives_way_to_them():
    meeting = parse(
        """
        # Jan 20th Meeting

        ## Notes
        ### Items for 2026
        The group discussed two things:

        1. LTS and Lime 1
        2. Shared Memory Proposal

        #### LTS and Lime 1
        Chris brought up the LTS work.

        #### Shared Memory Proposal
        Luke summarised the proposal.

        ### Release process adjustment
        #### Motivation
        Releases are late.
        #### Proposal
        Release monthly.
        """
    )
    assert [t.title for t in meeting.topics if not t.loose] == [
        "LTS and Lime 1",
        "Shared Memory Proposal",
        "Release process adjustment",  # its sub-headings are parts of one subject
    ]


def test_an_empty_heading_no_agenda_item_names_is_no_topic():
    meeting = parse(
        """
        ## Notes

        ### JCO
        - New release for updated wasmtime

        ### Node WASI subgroup
        """
    )
    assert titles(meeting) == ["JCO"]


def test_quoted_lists_and_bold_labels_in_the_agenda():
    meeting = parse(
        """
        ## Agenda

        1. Other agenda items
            1. **Lime1 & WASI-SDK :** There is a proposal to update the WASI-SDK.

            > The Lime1 target consists of:
            >* Mutable Globals
            >* Multivalue

            2. **Outline a roadmap for LTS**
        """
    )
    assert titles(meeting) == ["Lime1 & WASI-SDK", "Outline a roadmap for LTS"]


@pytest.mark.parametrize(
    "slot",
    [
        "volunteer(s) for note taking",
        "rotating note takers",
        "welcoming new SIG members and meeting attendees",
        "Opening: Welcome to the kickoff meeting of SIG docs.",
        "Open discussion",
    ],
)
def test_the_meetings_own_procedure_in_the_agenda_is_no_topic(slot):
    meeting = parse(
        f"""
        ## Agenda

        - {slot}
        - Public registry name policy
        """
    )
    assert titles(meeting) == ["Public registry name policy"]


def test_an_administrative_holder_gives_way_to_its_items():
    meeting = parse(
        """
        ## Agenda
        - Administrative stuff
            - Hosting agendas, notes, etc. at https://github.com/example/sig
            - Shared Google calendar for SIG
        - Update on componentize-py
        """
    )
    assert titles(meeting) == [
        "Hosting agendas, notes, etc.",
        "Shared Google calendar for SIG",
        "Update on componentize-py",
    ]


def test_a_heading_holding_only_the_templates_placeholder_is_not_a_topic():
    meeting = parse(
        """
        ### JCO
        * Victor: the release is out

        ### Node WASI subgroup
        - notes related to Node WASI subgroup go here
        """
    )
    assert titles(meeting) == ["JCO"]


def test_a_canceled_meeting_has_no_topic():
    meeting = parse("## September 05, 2023 - SIG Guest Languages meeting\n\nThis meeting was canceled.\n")
    assert meeting.topics == []


def test_a_short_bullet_before_name_tagged_subjects_is_a_subject_too():
    meeting = parse(
        """
        ## Feb 08, 2023 - SIG Registries meeting

        * Intro Danny and Calvin, working on WASI in the web
        * [Robin] Post-CNSC Update
            * Met with the supply-chain folks
        """
    )
    assert titles(meeting) == ["Intro Danny and Calvin, working on WASI in the web", "Post-CNSC Update"]


def test_a_bullet_topics_title_is_its_first_sentence():
    meeting = parse(
        """
        ## Notes

        - [Lann] Replication. Discussion thread
            - follow-up in the issue
        - [Peter] Namespaces e.g. the domain rules
            - owners prove it
        """
    )
    # Near miss: "e.g. the" is no sentence end.
    assert titles(meeting) == ["Replication", "Namespaces e.g. the domain rules"]


ORDERED_NOTES = """
# March 4 | Community call

## Agenda

1. Other agenda items
    1. Live stream (Bailey)
    2. Password manager (David)
    3. Meeting recordings (Karen)
    4. Travel budget

## Notes

* Live stream (Bailey)
    * [Divya] we should promote it more
* Password manager [David]
    * co-chairs have the details
* Will the recording get uploaded to Youtube? [Karen]
    * [David] the co-chairs will upload it
* Could the budget cover two trips?
    * [David] we'll see next quarter
"""


def test_an_agenda_item_is_one_topic_with_the_bullet_the_notes_wrote_in_its_place():
    meeting = parse(ORDERED_NOTES)
    # The third bullet sits where the third item is expected, shares its presenter and a word:
    # it is that item's discussion, titled as the agenda names it. The fourth shares a word
    # with "Travel budget" too, in its place, and is paired the same way.
    assert titles(meeting) == ["Live stream", "Password manager", "Meeting recordings", "Travel budget"]


def test_a_bullet_out_of_its_place_or_by_another_presenter_is_not_the_agenda_items():
    text = ORDERED_NOTES.replace("Meeting recordings (Karen)", "Meeting recordings (Till)").replace(
        "* Could the budget cover two trips?", "* Could the office cover two trips?"
    )
    meeting = parse(text)
    # "[Karen]" is not Till's item though both speak of recordings; no word ties "office" to "budget".
    assert "Meeting recordings" in titles(meeting)
    assert "Will the recording get uploaded to Youtube?" in " ".join(titles(meeting))
    assert "Travel budget" in titles(meeting) and "Could the office cover two trips?" in titles(meeting)


def test_a_bold_label_bullet_paired_with_an_agenda_item_keeps_the_notes_title():
    meeting = parse(
        """
        # Working group

        ## Agenda

        1. Proposals and discussions
            1. Discuss moving meeting time due to conflict, Andrew Brown

        ## Notes

        - __error handling__: Stuart discussed his PR for errors.
        - __time change__: Andrew Brown brought up that the meeting time will conflict with another group.
        """
    )
    assert titles(meeting) == ["error handling", "time change"]


UNFILLED_SLOTS = """
## June 4 - SIG meeting

## Subgroup Updates

* Go
    * ...
* Python
    * ...

## Packaging

* Go
    * ...
* Python
    * componentize-py 0.14 is out
"""


def test_a_heading_whose_named_slots_all_hold_the_template_placeholder_is_no_topic():
    # "Go" over "..." is a slot the template left to be filled; one filled slot is an update.
    assert titles(parse(UNFILLED_SLOTS)) == ["Packaging"]


def test_a_short_question_heading_a_discussion_is_its_topic():
    meeting = parse(
        """
        ### Attendees
        - alexcrichton
        - cfallin
        - abrown

        ### Notes
        - alexcrichton: more timeouts on OSS-fuzz; take a look?
          - cfallin: can take a look at some point
        - alexcrichton: rename x64 to x86, `x86_64`, or something else?
          - cfallin: x86 has a "32-bit flavor" to me
        - calvin: does this sound like the path we should take?
          - abrown: it is a little early to know
        - abrown: Next steps?
          - cfallin: land the PR
        - abrown: why no div?
        """
    )
    titles = [t.title for t in meeting.topics if not t.loose]
    assert titles == [
        "more timeouts on OSS-fuzz; take a look?",
        "rename x64 to x86, `x86_64`, or something else?",
    ]


def test_a_tools_recap_of_the_whole_meeting_and_a_done_thing_are_no_topics():
    meeting = parse(
        """
        # Meeting summary
        ## Quick recap
        The team provided updates on multiple projects.
        ## Summary
        ### Spider Monkey Memory Bug Investigation
        Victor and Tomasz discussed a bug related to memory management.

        ## Notes
        - Brett: gave recap on Guest Languages SIG meeting
            - https://github.com/bytecodealliance/meetings/blob/main/x.md
        - Joel: Resource types in Python
            - Brett: sounds good
        """
    )
    assert [t.title for t in meeting.topics if not t.loose] == [
        "Spider Monkey Memory Bug Investigation",
        "Resource types in Python",
    ]


def test_a_name_in_a_stand_up_round_is_no_topic_though_not_an_attendee():
    meeting = parse(
        """
        ### Attendees
        - abrown
        - elliottt
        - cfallin

        ### Notes
        * abrown
          * reviewed the verifier PR
        * elliottt
          * removed safepoint support from regalloc2
        * alexa
          * pull request is up for the verifier
        * cfallin
          * exceptions discussion
        """
    )
    assert [t.title for t in meeting.topics if not t.loose] == []


def test_a_bracketed_name_over_a_sentence_is_a_remark_and_over_a_title_a_topic():
    meeting = parse(
        """
        ## Notes
        * [Lann] Public Registry Name Policy - https://hackmd.io/@lann/B1M7L1epj
            * The idea is that the last slash splits the namespace.
        * [Peter] barrier to creating a namespace, have to own a domain
            * Need an account on a public forge
        * [Guy] Doesn't eliminate cyber squatting.
            * Assuming the site was hacked, someone could validate
        * [Radu] Quick presentation of Kubecon slides.
            * slides are linked
        """
    )
    assert [t.title for t in meeting.topics if not t.loose] == [
        "Public Registry Name Policy",  # the address after it is where, not what
        "Quick presentation of Kubecon slides.",
    ]


def test_an_agenda_item_that_only_groups_short_subjects_gives_way_to_them():
    meeting = parse(
        """
        ## Agenda

        1. Opening, welcome and roll call
        1. Announcements
            1. Issues concerning core-wasm
               1. Shared Memory
               2. Stack Switching
               3. Threading
                  Note that for threading there have been requests for input on embedded use cases.
            2. Issues concerning WASI and binding

               This discussion detailed some important qualities for realtime systems.
        1. Other agenda items
            1. Implementing community meeting changes.
                1. New static time rather than rotating: 2PM EST last Tuesday of month
                2. Use zoom or restream?
        """
    )
    assert titles(meeting) == [
        "Shared Memory",
        "Stack Switching",
        "Threading",
        "Issues concerning WASI and binding",
        # Its sub-items are the points of one subject (a question, a proposal): it stays one topic.
        "Implementing community meeting changes.",
    ]


@pytest.mark.parametrize(
    ("head", "title"),
    [
        # A short subject that wrapped onto a second line.
        ("- alexcrichton: new math ops in core Wasm for wide multiplies,\n  add-with-overflow",
         "new math ops in core Wasm for wide multiplies, add-with-overflow"),
        # A one-word question over its discussion.
        ("- alexcrichton: exceptions?", "exceptions?"),
        # A subject, then the question about it, wrapped, with "vs." inside.
        ("- alexcrichton: exceptions: if we have a custom format should we write a\n  dumper (vs. using DWARF)?",
         "exceptions: if we have a custom format should we write a dumper (vs. using DWARF)?"),
    ],
)  # fmt: skip
def test_a_persons_short_subject_over_the_discussion_is_a_topic(head, title):
    meeting = parse(f"## Notes\n\n{head}\n  - cfallin: yes, definitely\n  - fitzgen: agreed, we should\n")
    assert titles(meeting) == [title]


@pytest.mark.parametrize(
    "head",
    [
        # A long remark wrapped over lines, a floor-opening question: remarks, not subjects.
        "- alexcrichton: I looked at the new math ops in core Wasm for wide multiplies and found\n"
        "  that the carry flag is always reified",
        "- alexcrichton: thoughts?",
    ],
)
def test_a_wrapped_remark_or_an_open_floor_question_is_no_topic(head):
    meeting = parse(f"## Notes\n\n{head}\n  - cfallin: yes, definitely\n  - fitzgen: agreed, we should\n")
    assert not any(t.startswith(("I looked", "thoughts")) for t in titles(meeting))


def test_a_one_word_part_label_over_sub_bullets_is_no_topic():
    meeting = parse(
        """
        ## Notes

        * Faster epochs
          * VM tricks to make epochs faster
        * Approach:
          * Inject instructions to poke an illegal address to trap
          * Move on eventually to invalidating whole-stack
        """
    )
    assert [t.title for t in meeting.topics if not t.loose] == ["Faster epochs"]


def test_an_attendees_name_is_a_person_not_a_topic():
    meeting = parse(
        """
        | Attending  | Robin Brown, Sehyo Chang, Peter Huene |
        | -------- | -------- |

        * [New member] Sehyo Chang
        * [Robin] Threat model
            * https://hackmd.io/threat-model
        """
    )
    assert "Sehyo Chang" not in titles(meeting)
    assert "Threat model" in titles(meeting)


def test_names_in_an_updates_round_stay_in_the_round_though_nobody_is_listed():
    meeting = parse(
        """
        # July 9 Meeting
        ## Notes
        Updates:
        * Alex
          * landed the PR
        * Bailey
          * reviewing

        **Registry**
        * Bailey: hosting
        """
    )
    assert titles(meeting) == ["Updates", "Registry"]


def test_a_sentence_about_what_was_said_is_notes_though_it_has_sub_bullets():
    meeting = parse(
        """
        # July 9 Meeting
        ## Notes
        * We discussed the release schedule
          * monthly is fine
        * There was a question about CI
          * CI is slow
        * The group agreed to move the meeting
          * new time TBD
        * IT infrastructure
          * the runners are old
        """
    )
    assert [t.title for t in meeting.topics if not t.loose] == ["IT infrastructure"]


def test_a_numbered_heading_is_titled_without_its_number():
    meeting = parse(
        """
        # July 9 Meeting
        ## Agenda
        1. Release schedule
        2. CI
        ## Notes
        ### 1. Release schedule
        - Alex: monthly
        ### 2. CI
        - Bailey: slow
        """
    )
    assert titles(meeting) == ["Release schedule", "CI"]


def test_a_discussion_written_on_under_the_attendees_heading_is_a_topic():
    meeting = parse(
        """
        # Wasmtime call
        ## Attendees
        - Alex Crichton
        - Bailey Hayes
        - Release schedule
          - Alex: monthly
          - Bailey: fine
        """
    )
    assert titles(meeting) == ["Release schedule"]
    assert meeting.attendees == ["Alex Crichton", "Bailey Hayes"]


def test_groups_of_people_in_the_attendee_list_stay_attendees():
    meeting = parse(
        """
        # Call
        ## Attendees
        - TSC members
          - Alex Crichton
        - Others present
          - David Bryant (note taker)
        ## Notes
        - Alex: hi
        """
    )
    assert [t.title for t in meeting.topics if not t.loose] == []
    assert meeting.attendees == ["Alex Crichton", "David Bryant"]


def test_a_bold_part_label_inside_a_topic_is_no_topic_of_its_own():
    meeting = parse(
        """
        # Call
        ## Notes
        **Release schedule**
        - Alex: monthly

        **Outcome:**
        - go monthly

        **CI**
        - Bailey: slow
        """
    )
    assert titles(meeting) == ["Release schedule", "CI"]


def test_people_under_a_heading_are_its_round_not_subjects():
    meeting = parse(
        """
        # Call
        ## Updates
        ### Alex
        - landed the PR
        ### Bailey
        - reviewing
        ## Release
        - Alex: monthly
        """
    )
    assert titles(meeting) == ["Updates", "Release"]


def test_a_topics_heading_is_a_container():
    meeting = parse(
        """
        # Call
        ## Discussion items
        ### Release schedule
        - Alex: monthly
        ### CI
        - Bailey: slow
        """
    )
    assert titles(meeting) == ["Release schedule", "CI"]


def test_a_linked_agenda_item_is_titled_by_its_link_text_and_a_bracketed_address_is_dropped():
    # Both from SIG Registries agendas: the link is the subject, the address in brackets is where.
    meeting = parse(
        """
        ### Agenda
        - [github repo](https://github.com/bytecodealliance/SIG-Registries)
            - registries glossary
            - process and consensus
        - updates on `PackageMetadata` (https://hackmd.io/@radu/rkoq-cZ45)
            - what is a signature? (10 minutes)
        - [Nick] - regalloc
            - checker
        """
    )
    assert titles(meeting)[0] == "github repo"
    assert "updates on PackageMetadata" in titles(meeting)
    assert "regalloc" in titles(meeting)
    assert not any("(" in title or "http" in title for title in titles(meeting))


@pytest.mark.parametrize(
    "bullet, title",
    [
        ("ISLE: https://github.com/bytecodealliance/rfcs/pull/15", "ISLE"),
        (
            "OCI Registry proposal (https://github.com/bytecodealliance/registry/pull/87)",
            "OCI Registry proposal",
        ),
        ("wasm split draft — https://hackmd.io/@lann/HJ_f7geai", "wasm split draft"),
        (
            "_imm instructions and legalization -- https://github.com/org/repo/issues/1",
            "_imm instructions and legalization",
        ),
        (
            "https://github.com/bytecodealliance/wasmtime/pull/6358",
            "https://github.com/bytecodealliance/wasmtime/pull/6358",
        ),
    ],
)
def test_an_address_after_a_topics_subject_is_left_out_of_its_title(bullet, title):
    meeting = parse(
        f"""
        ## Notes
        - {bullet}
            - cfallin: we discussed it
        """
    )
    assert titles(meeting) == [title]
