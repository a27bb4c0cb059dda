"""Action items wherever notes write them: prose promises, other list names, owners, done marks,
and the suggestions (inferred items) that are offered but not saved."""

from __future__ import annotations

import textwrap

import pytest

from decisions.meetings.parsing import ParsedMeeting, parse_meeting
from decisions.meetings.parsing.results import FOUND_BY_PATTERN, FOUND_IN_SECTION, FOUND_INFERRED

pytestmark = pytest.mark.text_only  # tests/conftest.py: those without a database run once


def parse(text: str) -> ParsedMeeting:
    return parse_meeting(textwrap.dedent(text).lstrip("\n"))


def items(meeting: ParsedMeeting) -> list[tuple[str | None, str]]:
    return [(i.owner, i.text) for i in meeting.action_items]


def suggested(meeting: ParsedMeeting) -> list[tuple[str | None, str]]:
    return [(i.owner, i.text) for i in meeting.suggested_items]


# Promises in prose -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- Marcin will discuss threads with Andrew later this week.", [("Marcin", "discuss threads with Andrew later this week")]),
        ("- Mikhail: Oscar is going to provide feedback", [("Oscar", "provide feedback")]),
        ("- To be clarified: which axes, Chris will make a proposal.", [("Chris", "make a proposal")]),
        ("- Sam to review the draft, Alex to merge it", [("Sam", "review the draft"), ("Alex", "merge it")]),
        ("- Alex and Sam to sync on the ABI", [("Alex", "sync on the ABI"), ("Sam", "sync on the ABI")]),
        ("- [Bailey] will pick a time; will switch to Zoom", [("Bailey", "pick a time"), ("Bailey", "switch to Zoom")]),
        ("- cfallin: plan is to meter by LHS matchers", [("cfallin", "meter by LHS matchers")]),
        ("- JB: needs to get a patch ready; planning to continue lowering", [("JB", "get a patch ready"), ("JB", "continue lowering")]),
        ("- Robin: the log is merged. Next up is working on the API design", [("Robin", "working on the API design")]),
        ("- Danny: talked to Ivan. Going to regroup the PRs", [("Danny", "regroup the PRs")]),
        ("- Victor: send some documents on the CLI history", [("Victor", "send some documents on the CLI history")]),
        ("- abrown: can demo VTune at another meeting", [("abrown", "demo VTune at another meeting")]),
    ],
)  # fmt: skip
def test_a_promise_written_in_the_discussion_is_an_action_item(line, expected):
    attendees = "\n".join(
        f"- {name}" for name in ["Andrew Brown", "Sam Lee", "Alex Wu", "cfallin", "JB", "abrown"]
    )
    meeting = parse(f"## Attendees\n{attendees}\n\n### Topic\n\n{line}\n")
    assert items(meeting) == expected
    assert all(i.found == FOUND_BY_PATTERN and i.confidence < 1 for i in meeting.action_items)


@pytest.mark.parametrize(
    "line",
    [
        "- cfallin: will be annoying for new contributors",  # a consequence
        "- Till: Will the in-person meeting be bigger?",  # a question
        "- The runtime will call the hook before exit.",  # how something works
        "- Wasmtime will support it next year.",  # a project, not a person
        "- Luke will probably have a vote on it.",  # a guess about someone
        "- Happy to try it out",  # "Happy" is no one
        "- Jeremy will be one of the maintainers",  # a fact
        "- alex: run out of fuel in one path; correctness?",  # asks, gives no order
        "- Mikhail: Filed the vscode-wit issues",  # done already
        "- Divya: will want to make sure we time-box it",  # a wish
        "- Thomas Trenner (Siemens): Siemens will dedicate more resources",  # a company
    ],
)
def test_what_only_sounds_like_a_promise_is_not_saved(line):
    assert parse(f"### Topic\n\n{line}\n").action_items == []


def test_a_task_for_next_time_is_an_item_without_an_owner():
    meeting = parse("### Backlog\n\n*Where to begin next time.*\n\nStart with #517 next time\n")
    assert items(meeting) == [(None, "Start with #517 next time")]
    assert parse("### Backlog\n\nWe started with #517 last time\n").action_items == []


def test_minutes_write_a_task_in_the_passive():
    meeting = parse(
        """
        ### Topic #2
        Plans for the summit were reviewed. A general update on event planning will be shared at
        the board meeting. The runtime will be called once per request. The meetings will be
        organized once a month.
        """
    )
    assert items(meeting) == [
        (None, "A general update on event planning will be shared at the board meeting")
    ]


# Suggestions -----------------------------------------------------------------------------------


def test_guesses_are_suggested_not_saved():
    meeting = parse(
        """
        ## Attendees
        - fitzgen
        ### Topic
        - fitzgen: add a cargo flag to include the positions
        - We decided to keep the two-week cadence.
        - Brett: we need to tell the anaconda folks
        """
    )
    assert meeting.action_items == []
    assert suggested(meeting) == [
        ("fitzgen", "add a cargo flag to include the positions"),
        (None, "keep the two-week cadence"),
        ("Brett", "tell the anaconda folks"),
    ]
    assert all(i.suggested and i.found == FOUND_INFERRED for i in meeting.suggested_items)
    assert meeting.topics[0].suggested_items == meeting.suggested_items
    assert meeting.topics[0].action_items == []


def test_a_promise_repeated_in_the_action_items_is_one_item():
    meeting = parse(
        """
        ### Fortran
        - Kevin will investigate fortran options
        ## Action Items
        - Kevin will investigate current best way to compile Fortran to Wasm
        """
    )
    assert items(meeting) == [("Kevin", "investigate current best way to compile Fortran to Wasm")]
    assert meeting.action_items[0].found == FOUND_IN_SECTION
    assert meeting.suggested_items == []


# Action-items lists ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "heading",
    ["## Next steps", "## Next Steps & Action Items", "## Follow-up items", "## Items for next meeting"],
)
def test_an_action_list_may_have_other_names(heading):
    meeting = parse(
        f"### Topic\n- Sam: agreed.\n\n{heading}\n\n- Update the changelog - Sam\n- Ask the TSC\n"
    )
    assert items(meeting) == [("Sam", "Update the changelog"), (None, "Ask the TSC")]
    assert [t.title for t in meeting.topics] == ["Topic"]


def test_next_steps_for_a_subject_is_a_topic_not_an_action_list():
    meeting = parse("# Python call\n\n## Next steps for componentize-py\n\n- Joel: resources are in.\n")
    assert [t.title for t in meeting.topics] == ["Next steps for componentize-py"]
    assert meeting.action_items == []


def test_the_owner_and_the_done_mark_are_read_from_an_action_line():
    meeting = parse(
        """
        ## Action Items
        * [Karen & Divya] Announce the next meeting in Zulip
        * That Chris would ask David about an email address
        * Joel: finish resource support (edit: done!)
        * [x] Nick: turn on auto-assignment
        * Write the release notes - Pat
        * Fix the docs - see the wiki page
        """
    )
    assert [(i.owner, i.text, i.done) for i in meeting.action_items] == [
        ("Karen", "Announce the next meeting in Zulip", False),
        ("Divya", "Announce the next meeting in Zulip", False),
        ("Chris", "ask David about an email address", False),
        ("Joel", "finish resource support", True),
        ("Nick", "turn on auto-assignment", True),
        ("Pat", "Write the release notes", False),
        (None, "Fix the docs - see the wiki page", False),
    ]
    assert {i.found for i in meeting.action_items} == {FOUND_IN_SECTION}


def test_what_we_agreed_to_do_next_time_is_nobodys_item_not_the_speakers():
    meeting = parse(
        """
        ## Notes

        - Matthew discussed tensor types; we agreed to continue the discussion in the next meeting.
        """
    )
    assert [(i.owner, i.text) for i in meeting.action_items] == [
        (None, "continue the discussion in the next meeting")
    ]


# Promises written after a report, or by nobody in particular ----------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- uweigand: thought I got those, will recheck.", [("uweigand", "recheck")]),
        ("- anton: updated the RFC, will make a motion to finalize soon", [("anton", "make a motion to finalize soon")]),
        ("- erikrose: none yet but going to start looking into epoch switching", [("erikrose", "start looking into epoch switching")]),
        ("- Till: once the docs are ready, I will reach out for reviews", [("Till", "reach out for reviews")]),
        ("- kyle: I'll open an issue for it. who wants to take it?", [("kyle", "open an issue for it")]),
    ],
)  # fmt: skip
def test_a_promise_after_a_report_in_the_same_line_is_the_speakers(line, expected):
    attendees = "\n".join(f"- {name}" for name in ["uweigand", "anton", "erikrose", "Till", "kyle"])
    meeting = parse(f"## Attendees\n{attendees}\n\n### Status\n\n{line}\n")
    assert items(meeting) == expected


@pytest.mark.parametrize(
    "line",
    [
        "- uweigand: the old code was slow, will be faster now",  # a consequence, no task verb
        "- anton: tried it, will probably work",  # a hedge
        "- erikrose: the tests pass, and will get worse with more inputs",  # "and" joins a description
        "- anton: so in this agenda, I will talk about the proposal",  # what is said now
    ],
)
def test_what_follows_a_comma_is_no_promise_without_a_task(line):
    meeting = parse(f"## Attendees\n- uweigand\n- anton\n- erikrose\n\n### Status\n\n{line}\n")
    assert meeting.action_items == []


def test_a_promise_nobody_speaks_under_a_topic_is_nobodys_item():
    meeting = parse(
        """
        ### Footgun in the rules
        - fails on main too; will file an issue
        - will put this up as a PR for discussion
        - Will free up the abstractions for strings
        - Core Wasm is getting shared memories and will add tables.
        - will the recording be uploaded?
        """
    )
    assert items(meeting) == [(None, "file an issue"), (None, "put this up as a PR for discussion")]


def test_a_passive_task_in_a_reported_remark_is_nobodys():
    meeting = parse(
        """
        ### Policy
        Till proposed a policy for tool use. An updated version of the policy will be presented for
        review by the Board.
        """
    )
    assert items(meeting) == [
        (None, "An updated version of the policy will be presented for review by the Board")
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- Tomasz will also generate types for Preview 3.", [("Tomasz", "generate types for Preview 3")]),
        ("- Robin going to propose a demo talk", [("Robin", "propose a demo talk")]),
        ("- Some TODOs: Andrew and Matthew plan to merge their proposals", [("Andrew", "merge their proposals"), ("Matthew", "merge their proposals")]),
        ("- Till: I will work with David on the announcement", [("Till", "work with David on the announcement")]),
        ("- Tomasz is tasked with preparing the test harness", [("Tomasz", "preparing the test harness")]),
        ("- Robin has an action item to list the proposals", [("Robin", "list the proposals")]),
        ("- Ultimately going to tuple the version with the hash", []),  # not a name
        ("- Tomasz will also be at the summit", []),  # a fact
        ("- Tensor layout (#67): Andrew to summarize in the issue", [("Andrew", "summarize in the issue")]),
        ("- Tensor layout: went to Andrew to ask", []),  # "to" inside a clause gives nobody a task
    ],
)  # fmt: skip
def test_more_ways_to_write_a_named_promise(line, expected):
    attendees = "\n".join(f"- {name}" for name in ["Tomasz", "Robin", "Andrew", "Matthew", "Till"])
    meeting = parse(f"## Attendees\n{attendees}\n\n### Topic\n\n{line}\n")
    assert items(meeting) == expected


def test_an_action_line_that_opens_with_a_known_name_is_that_persons():
    meeting = parse(
        """
        ## Attendees
        - Kate Goldenring
        - Joel
        ## Action Items
        - [ ] Kate connect with Yosh on samples
        - [ ] Joel add Kushal to the invite
        - [ ] Docs team review the PR
        - [ ] Update the rust guide
        """
    )
    assert items(meeting) == [
        ("Kate", "connect with Yosh on samples"),
        ("Joel", "add Kushal to the invite"),
        (None, "Docs team review the PR"),  # not a name these notes know
        (None, "Update the rust guide"),
    ]


def test_a_question_in_an_action_list_is_no_task():
    meeting = parse(
        """
        ## Action items
        - What is the duration of an LTS release?
        - Is there a list of supported platforms? Likely we'll limit it.
        - Reach out to Dan, meetings for the SDK?
        """
    )
    assert items(meeting) == [(None, "Reach out to Dan, meetings for the SDK?")]


def test_he_or_she_will_is_the_person_the_sentence_before_named():
    meeting = parse(
        """
        ## Attendees
        - Stephen
        - Bailey
        ### LTS
        * Currently, Stephen is working out what is missing. He will share some materials shortly.
        * The draft was reviewed. She plans to complete that work for review.
        """
    )
    # The second line names nobody before "She": whose plan it is cannot be told.
    assert items(meeting) == [("Stephen", "share some materials shortly")]


# Tasks of the group, written with no one named -------------------------------------------------


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (
            "Pat said there was a need to contact the packaging team, and there was also a need to"
            " identify the main targets. It would be great to have a standard.",
            [(None, "contact the packaging team"), (None, "identify the main targets")],
        ),
        ("There remains a need to update the website with the new logo.", [(None, "update the website with the new logo")]),
        ("The group discussed slots. We decided to schedule a poll for a new time.", [(None, "schedule a poll for a new time")]),
        ("The TSC agreed to raise the budget with the board.", [(None, "raise the budget with the board")]),
        ("The team agreed to merge the quick fix but noted a real fix is needed.", [(None, "merge the quick fix")]),
        ("Sam asked about next steps. The response was to collect use cases before the next meeting.", [(None, "collect use cases before the next meeting")]),
        ("Near the end, Pat pointed out that the naming question should be raised at the next call.", [(None, "the naming question should be raised at the next call")]),
        ("This topic will be revisited at the next TSC meeting.", [(None, "This topic will be revisited at the next TSC meeting")]),
        ("Issue to begin at next time: 2048", [(None, "Issue to begin at next time: 2048")]),
        ("The TSC will provide an update at the next board meeting.", [(None, "The TSC will provide an update at the next board meeting")]),
        ("Pat: the video comes out Friday and the co-chairs will need to upload it", [(None, "the co-chairs will need to upload it")]),
        ("Good progress, discussion to continue at the next meeting.", [(None, "Good progress, discussion to continue at the next meeting")]),
    ],
)  # fmt: skip
def test_a_task_the_group_took_on_is_an_item_without_an_owner(paragraph, expected):
    meeting = parse(f"## Attendees\n- Pat\n- Sam\n\n### Planning\n\n{paragraph}\n")
    assert items(meeting) == expected
    assert all(i.found == FOUND_BY_PATTERN and i.confidence < 1 for i in meeting.action_items)


@pytest.mark.parametrize(
    "paragraph",
    [
        "We decided to keep the current cadence.",  # a decision nobody has to act on
        "So we decided to remove the old pass because it was too complex.",  # how the code came to be
        "There is a need to step up as a community.",  # no task
        "The naming question should be raised with care.",  # no meeting to raise it at
        "Is there a need to update the website?",  # a question
        "This tells us where to begin the triage next time.",  # explains the template
        "We started with #2000 last time and continued up to the next meeting's slot.",  # done
        "How about we continue this in the next meeting?",  # a proposal
        "The team will need to decide between the two designs.",  # a decision, no task verb
    ],
)
def test_a_group_decision_or_need_without_a_task_is_not_saved(paragraph):
    assert parse(f"### Planning\n\n{paragraph}\n").action_items == []


def test_the_orders_in_a_summary_are_the_groups_tasks():
    meeting = parse(
        """
        # Notes
        - Kim: the long pole is the Fortran toolchain
        - Summary: Fortran is the hard part. Talk to e.g. Lee (LFortran) about how to speed it up. Hiring might help.
        - Resolution: GET requests should return the package
        """
    )
    assert items(meeting) == [(None, "Talk to e.g. Lee (LFortran) about how to speed it up")]


def test_contacting_the_same_person_said_twice_is_one_item():
    meeting = parse(
        """
        ## Attendees
        - Robin
        ### Examples
        - We need examples for the registry. Robin will talk to Morgan about who can add some.
        - Robin will talk to Kim about the logo.
        ## Action Items
        - [ ] Robin: Reach out to Morgan about pushing the examples to the registry
        """
    )
    assert items(meeting) == [
        ("Robin", "talk to Kim about the logo"),
        ("Robin", "Reach out to Morgan about pushing the examples to the registry"),
    ]


def test_a_plan_with_no_subject_under_someones_bullet_is_that_persons():
    meeting = parse(
        """
        ## Attendees
        - Robin
        - Kim
        ### Status
        - Robin: cleaned up the parser
          - https://example.com/pull/1
          - Going to split the big PR into two
        - Kim: tried the new profiler?
          - will print a flame graph -- nice
        - Kim: reviewed the docs
          - Plan is to ask for more reviewers
        """
    )
    # "Plan is to..." may be anyone's plan: a task, but not Kim's.
    meeting_later = parse(
        """
        ## Attendees
        - Robin
        ### Status
        - Robin: reviewing code
          - RA2: Kim has a nice speedup; will review and hopefully land it
          - 128-bit ops: plan to move it to phase 2 in October
        """
    )
    assert items(meeting_later) == [
        ("Robin", "review and hopefully land it"),
        ("Robin", "move it to phase 2 in October"),
    ]
    assert items(meeting) == [("Robin", "split the big PR into two"), (None, "ask for more reviewers")]
    # The sub-bullet is still nobody's words: only the task is given to the person above it.
    assert [r.speaker for r in meeting.topics[0].remarks if "split" in r.text] == [None]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- Robin: Writing a design doc for the cache that she'll share with the group next week.", [("Robin", "share a design doc for the cache with the group next week")]),
        ("- Kim: fixed the flaky test. Working on ARM64 support starting next week", [("Kim", "Working on ARM64 support starting next week")]),
        ("- Kim: Working on ARM64 support, about half done", []),  # ongoing, nothing still to come
        ("- Robin: Working on a cache that will speed up builds", []),  # what the work will do
    ],
)  # fmt: skip
def test_ongoing_work_with_a_step_still_to_come_is_a_task(line, expected):
    meeting = parse(f"## Attendees\n- Robin\n- Kim\n\n### Status\n\n{line}\n")
    assert items(meeting) == expected


def test_a_hedged_offer_is_only_suggested_and_a_glad_offer_of_work_is_saved():
    meeting = parse(
        """
        ## Attendees
        - Robin
        - Kim
        ### Ideas
        - Robin: page coloring in the allocator, may experiment with this
        - Kim: Will probably need guidance but happy to try.
        - Kim: Happy to help
        """
    )
    # "happy to try" offers a piece of work (the labels of dev's cranelift-09-20 and check's
    # wasmtime-06-04 count such offers); "may experiment" stays a maybe, "Happy to help" says too little.
    assert items(meeting) == [("Kim", "Will probably need guidance but happy to try")]
    assert suggested(meeting) == [("Robin", "experiment with this")]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- Update the changelog - Sam", [("Sam", "Update the changelog")]),
        ("- Review of the changelog - Sam", []),  # a subject and who brought it, no order
        ("- Sam: I will haunt whoever merges this without tests :)", []),
        ("- Alex: we will all be replaced by robots lol", []),
        ("- Alex: I'll send the slides. Just kidding, Sam will.", []),
        ("- Sam: I'll send the slides", [("Sam", "send the slides")]),
    ],
)  # fmt: skip
def test_an_owner_after_the_task_counts_in_the_discussion_and_a_joke_does_not(line, expected):
    meeting = parse(f"## Attendees\n- Alex\n- Sam\n\n### Topic\n\n{line}\n")
    assert items(meeting) == expected


def test_a_task_repeated_in_the_action_items_in_other_word_forms_is_one_item():
    meeting = parse(
        """
        ## Attendees
        - Kim
        - Robin
        ### Language matrix
        - Kim to open an issue; Robin to implement
        ## Action Items
        - [ ] Kim: open an issue for the language matrix
        - [ ] Robin: take on the implementation of the matrix
        """
    )
    assert items(meeting) == [
        ("Kim", "open an issue for the language matrix"),
        ("Robin", "take on the implementation of the matrix"),
    ]


def test_the_steps_of_a_plan_in_a_remark_are_the_groups_tasks():
    meeting = parse(
        """
        ## Attendees
        - Robin
        ### Toolchain
        - Robin: short term: ask the LLVM folks about the linker; long term: define a better cross-compile story
        - Robin: short term: it is slow
        """
    )
    assert items(meeting) == [
        (None, "ask the LLVM folks about the linker"),
        (None, "define a better cross-compile story"),
    ]


def test_an_action_item_marker_gives_the_task_without_the_owners_own_i_will():
    meeting = parse(
        """
        ## Notes
        - Operator records
            - **ACTION ITEM** kyle: I will open an issue describing the new operator records
        """
    )
    assert items(meeting) == [("kyle", "open an issue describing the new operator records")]
