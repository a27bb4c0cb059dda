"""The commitment wordings learnt from the check set's misses (issue 13): aims with a deadline, offers
in so many words, a near time after a task verb, "let's reconvene", the next meeting's business in
minutes, an offer that answers a request, and the guards that keep hopes, conditions and
descriptions of a job out. Each rule has lines that must give an item and lines that must not."""

from __future__ import annotations

import textwrap

import pytest

from decisions.meetings.parsing import ParsedMeeting, parse_meeting
from decisions.meetings.parsing.results import FOUND_BY_PATTERN

pytestmark = pytest.mark.text_only  # tests/conftest.py: those without a database run once

ATTENDEES = [
    "Joel",
    "Calvin",
    "Brian",
    "Victor",
    "Mikhail",
    "bailey",
    "fitzgen",
    "cfallin",
    "alexcrichton",
    "posborne",
    "afonso",
    "David",
    "Kate",
    "Stuart",
    "Brett",
    "Nick",
    "Andrew",
    "jamey",
]


def parse(body: str) -> ParsedMeeting:
    attendees = "\n".join(f"- {name}" for name in ATTENDEES)
    text = f"## Attendees\n{attendees}\n\n### Topic\n\n{textwrap.dedent(body).strip()}\n"
    return parse_meeting(text)


def saved(meeting: ParsedMeeting) -> list[tuple[str | None, str]]:
    return [(i.owner, i.text) for i in meeting.action_items]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # An aim with a deadline is a plan.
        ("- Joel: Aiming to tag the wasi-cli release by end of month", [("Joel", "tag the wasi-cli release by end of month")]),
        ("- Calvin: Hoping to merge one last PR before Friday's release", [("Calvin", "merge one last PR before Friday's release")]),
        ("- Calvin: Revising the UI; Trying to have it deployed for WasmCon", [("Calvin", "have it deployed for WasmCon")]),
        # "have" only with a deadline.
        ("- Brian: I'll have a draft PR for wit-bindgen this afternoon.", [("Brian", "have a draft PR for wit-bindgen this afternoon")]),
        # An offer in so many words.
        ("- Victor: Yes, I can take that on", [("Victor", "take that on")]),
        ("- Mikhail: I can look at that", [("Mikhail", "look at that")]),
        ("- bailey: Measurement matters. I can make a sketch of what I'd recommend and put it in a github issue.",
         [("bailey", "make a sketch of what I'd recommend and put it in a github issue")]),
        # A promise to report back.
        ("- bailey: didn't change the bench, was spooked though, will get back with more data.", [("bailey", "get back with more data")]),
        # A piece of work offered gladly.
        ("- posborne - happy to prototype that. Ideas on that nick?", [("posborne", "happy to prototype that")]),
        ("- afonso - Will probably need guidance but happy to try.", [("afonso", "Will probably need guidance but happy to try")]),
        # The group's next step.
        ("- alexcrichton - I think let's just reconvene at Wasmtime 47 and revisit this",
         [(None, "reconvene at Wasmtime 47 and revisit this")]),
        ("- Victor: Yup, let's get something scheduled early next week!", [(None, "get something scheduled early next week!")]),
        # A plan later in a sentence about a named person.
        ("David reported he has reached out to the vendor and expects to work with them to arrange a follow-up meeting.",
         [("David", "work with them to arrange a follow-up meeting")]),
    ],
)  # fmt: skip
def test_a_commitment_in_these_words_is_saved(line, expected):
    meeting = parse(line)
    assert saved(meeting) == expected
    assert all(i.found == FOUND_BY_PATTERN and 0.6 <= i.confidence < 1 for i in meeting.action_items)


@pytest.mark.parametrize(
    "line",
    [
        # Hopes and ongoing work with no deadline.
        "- cfallin: trying to understand the egraph blowup case",
        "- fitzgen: hoping to do PCA to look at which benchmarks overlap",
        "- Calvin: hoping to see this merged by Friday",  # what one hopes to see is no task
        # "have to", "have" with no time.
        "- Nick: I'll have to think about it this week",
        "- Nick: will have more data",
        # Conditions and capabilities, not offers.
        "- Kate: wondering if I can take a bit of the budget for this",
        "- Stuart: I can do whatever I want with the tensor",
        "- Brett: can ask Python for where site-packages is",
        "- Nick: I can make a PR if people want it",
        # "let's" about now, or asked.
        "- Andrew: So let's talk about the first agenda item",
        "- Andrew: Maybe let's revisit this next month?",
        # A consequence after "and will".
        "David said the runner is flaky and will crash under load.",
        # A gladly given hand, with no piece of work named.
        "- Mikhail: Happy to help",
    ],
)
def test_a_hope_a_condition_or_a_description_is_not_saved(line):
    assert saved(parse(line)) == []


def test_a_plain_offer_of_help_stays_a_suggestion():
    meeting = parse("- Mikhail: I'm happy to help review")
    assert saved(meeting) == []
    assert [(i.owner, i.text) for i in meeting.suggested_items] == [("Mikhail", "I'm happy to help review")]


def test_a_task_verb_with_a_near_time_under_someones_bullet_is_that_persons():
    meeting = parse(
        """
        - fitzgen:
            - fixed alias analysis assertion failure
            - new alias analysis bug -- fix later today
        """
    )
    assert saved(meeting) == [("fitzgen", "new alias analysis bug -- fix later today")]


def test_a_bug_noted_with_no_time_is_no_task():
    meeting = parse(
        """
        - fitzgen:
            - new alias analysis bug -- fix pending review
        """
    )
    assert saved(meeting) == []


def test_an_offer_answering_a_request_is_the_task_accepted():
    meeting = parse(
        """
        - alexcrichton: more timeouts on OSS-fuzz; take a look?
            - cfallin: can take a look at some point
        """
    )
    assert saved(meeting) == [("cfallin", "take a look at some point")]


def test_an_answer_to_a_question_that_asks_nobody_to_act_is_no_task():
    meeting = parse(
        """
        - Nick: why no div?
            - jamey: can look at the bigint lib if needed
        """
    )
    assert saved(meeting) == []


def test_what_a_job_is_to_do_is_not_the_speakers_promise():
    described = parse(
        "- fitzgen - Another is a job that runs every night and auto-files an issue. "
        "Won't graph things over time but will file issues and @-authors."
    )
    assert saved(described) == []
    # The same promise with nothing described before it is the speaker's.
    assert saved(parse("- fitzgen - sounds good, will file issues for the regressions")) == [
        ("fitzgen", "file issues for the regressions")
    ]


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (
            "The TSC discussed an action item received from the board in order to provide a response at "
            "the next board meeting.",
            [(None, "provide a response at the next board meeting")],
        ),
        (
            "There was good support, with a suggestion that time be spent at the next TSC meeting "
            "brainstorming content.",
            [(None, "time be spent at the next TSC meeting brainstorming content")],
        ),
        ("- To be continued (Merkle construction of package layers)", [(None, "To be continued (Merkle construction of package layers)")]),
        # Not the next meeting's business: a purpose with no meeting, a suggestion already acted on.
        ("The TSC reviewed the runbook in order to provide better guidance.", []),
        ("It was suggested that the runbook be shortened, and it was.", []),
    ],
)  # fmt: skip
def test_the_next_meetings_business_in_minutes_is_the_groups_task(paragraph, expected):
    assert saved(parse(paragraph)) == expected


def test_an_action_list_by_a_longer_name_inside_the_discussion_is_read_as_one():
    meeting = parse(
        """
        * CLI breakage
          * lots of discussion
          * Agreed upon action items:
            * Make old parser work again and make a patch release (Nick)
            * Communicate an update (Kate)
        """
    )
    assert saved(meeting) == [
        ("Nick", "Make old parser work again and make a patch release"),
        ("Kate", "Communicate an update"),
    ]


def test_a_promise_in_parentheses_is_the_speakers():
    meeting = parse("- cfallin: finishing up the e-graphs RFC (will post an initial PR soon)")
    assert saved(meeting) == [("cfallin", "post an initial PR soon")]
    # A description in parentheses promises nothing.
    assert saved(parse("- cfallin: the hook (will be called at exit) is fine")) == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- fitzgen: TODO: file an issue about the spill heuristics", [("fitzgen", "file an issue about the spill heuristics")]),
        ("- cfallin: AI: write up the RFC", [("cfallin", "write up the RFC")]),
        ("- Nick: Action item (Kate): ping the LLVM folks", [("Kate", "ping the LLVM folks")]),
        # A word, not a marker.
        ("- Nick: todo list is long this week", []),
        ("- Nick: AI is a hot topic at the summit", []),
    ],
)  # fmt: skip
def test_an_explicit_marker_after_a_speakers_name_is_an_item_once(line, expected):
    meeting = parse(line)
    assert saved(meeting) == expected
    assert meeting.suggested_items == []
    # The words stay the speaker's remark.
    assert [r.speaker for t in meeting.topics for r in t.remarks] == [line.split(":")[0].lstrip("- ")]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- Nick: Please comment on the RFC", [(None, "comment on the RFC")]),
        ("- Joel: See above proposal to contribute `componentize-py` to BA and leave comments",
         [(None, "See above proposal to contribute `componentize-py` to BA and leave comments")]),
        ("- Calvin: Many breaking changes over the past week, so update to the latest and delete your local CLI cache",
         [(None, "update to the latest and delete your local CLI cache")]),
        # An invitation, a "so" that explains, a question.
        ("- Nick: Let me know if you have ideas!", []),
        ("- Nick: the cache grew, so delete was slow for your build", []),
        ("- Nick: Could you please review it?", []),
    ],
)  # fmt: skip
def test_a_request_to_everyone_at_the_meeting_is_nobodys_item(line, expected):
    assert saved(parse(line)) == expected


# The holdout set's misses (issue 13, third round): each wording with lines that give an item and
# real-looking lines that must not.
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # "Next steps are ..." wherever it stands in the remark, "About to ...": the speaker's plan.
        ("- Nick: I have fixed the bugs the Kotlin folks reported (ed: something about decrefs) "
         "Next steps are turning the table-ops fuzzer into a more general GC fuzzer.",
         [("Nick", "turning the table-ops fuzzer into a more general GC fuzzer")]),
        ("- Joel: About to take up some benchmarking work", [("Joel", "take up some benchmarking work")]),
        ("- Joel: next steps are not clear yet", []),
        ("- Joel: About to be released upstream", []),
        # "Once ... I'll <verb>": the speaker's own plan after a condition written without a comma.
        ("- Joel: Once we have more stability there I'll change my focus to upstreaming stuff",
         [("Joel", "change my focus to upstreaming stuff")]),
        ("- Joel: Once we move to components we'll be able to maintain the dwarf support", []),
        ("- Joel: When it lands I'll probably be happier", []),
        # An offer the minutes record is a task.
        ("- Among old business, Bailey reintroduced her proposal and offered to draft a statement of scope",
         [("Bailey", "draft a statement of scope")]),
        ("- Joel: may ask for help with it (Brett offers to provide pointers when ready)",
         [("Brett", "provide pointers when ready")]),
        ("- Stuart volunteers to review today", [("Stuart", "review today")]),
        ("- the tool offers to rewrite imports when it can", []),
        # A named person's arrangement with a near day.
        ("- Joel is meeting with Emscripten folks on Monday to discuss this further",
         [("Joel", "meeting with Emscripten folks on Monday to discuss this further")]),
        ("- Joel is meeting a lot of resistance from the Emscripten folks", []),
        ("- The Community Group is hosting an in-person meeting next week", []),
    ],
)  # fmt: skip
def test_holdout_wordings_of_a_plan(line, expected):
    assert saved(parse(line)) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # "We will <task>": the group's, nobody's in particular.
        ("- Nick: Thanks Till. We will make an announcement soon.", [(None, "make an announcement soon")]),
        ("- we'll talk more about it next week when Lann and Robin are around",
         [(None, "talk more about it next week when Lann and Robin are around")]),
        # How things will be, a deferral, a need: no task.
        ("- Nick: in the meantime we will do it manually", []),
        ("- Nick: We'll look at optimization later, and hopefully others will help", []),
        ("- Nick: we'll need to update again", []),
        ("- Nick: we will probably end up with two", []),
        # A decision after a short lead-in; the reason after it is not part of the task.
        ("- After discussion the group decided to revisit these topics at next week's TSC meeting, "
         "allowing members time to decide", [(None, "revisit these topics at next week's TSC meeting")]),
        ("- After discussion the group decided to keep the cadence", []),
    ],
)  # fmt: skip
def test_holdout_wordings_of_a_group_task(line, expected):
    assert saved(parse(line)) == expected


def test_an_offer_the_action_items_list_writes_again_is_one_item():
    meeting = parse_meeting(
        textwrap.dedent(
            """
            ## Attendees
            - David
            - Eric
            ## Notes
            * **Promoting documentation:** How should we advertise them? David offered to think about it.
            ## Action items
            * [ ] David: Check if there is a place we can call out our two volumes of documentation
            * [ ] Eric: publish the books
            """
        )
    )
    assert saved(meeting) == [
        ("David", "Check if there is a place we can call out our two volumes of documentation"),
        ("Eric", "publish the books"),
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # A plan before a question about something else.
        ("- Brett: About to take up some benchmarking work, has the stuff you've been working on gone in?",
         [("Brett", "take up some benchmarking work")]),
        ("- Brett: That landed, has the stuff you've been working on gone in?", []),
        ("- Brett: will you file an issue, does that work?", []),
        # "maybe going to <task>": a hedged plan is still the speaker's plan.
        ("- cfallin: no immediate updates; maybe going to start removing safepoint support",
         [("cfallin", "start removing safepoint support")]),
        ("- cfallin: Probably going to be a desire for a small set of machines.", []),
        # "good next step -- <task>": the group's step, whoever says it.
        ("- cfallin: good next step -- figure out why XNNPACK gets better",
         [(None, "figure out why XNNPACK gets better")]),
        ("- cfallin: good next step -- the PR is up", []),
    ],
)  # fmt: skip
def test_holdout_wordings_hedged_or_beside_a_question(line, expected):
    assert saved(parse(line)) == expected


# Issue 13, fifth round: wordings found by the form of every spent set's misses, kept only where
# they held on corpus notes outside every labelled set.
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # A stand-up plan written as "next".
        ("- fitzgen: next: ABISig optimizations, one big Vec", [("fitzgen", "ABISig optimizations, one big Vec")]),
        ("- fitzgen: next goal for me: addressing modes", [("fitzgen", "addressing modes")]),
        ("- fitzgen\n  - next: overhaul trampolines as per RFC", [("fitzgen", "overhaul trampolines as per RFC")]),
        ("- cfallin: work on complicated lowerings next", [("cfallin", "work on complicated lowerings next")]),
        # What comes next that nobody is to do, or a question: no task.
        ("- fitzgen: next is the bigger question of GC", []),
        ("- cfallin: remove uses of pinned vregs next?", []),
        ("- cfallin: the next release is in two weeks", []),
        # A promise after a sentence that ends with code: the code span opens a new sentence, so
        # the question after it does not take the promise with it.
        ("- Notes: there is new content, such as the `wac plug` changes. Calvin will open a PR to split "
         "it out. `wac plug` was not documented - what would the CLI look like?",
         [("Calvin", "open a PR to split it out")]),
    ],
)  # fmt: skip
def test_spent_sets_wordings_of_a_plan(body, expected):
    meeting = parse(body)
    assert saved(meeting) == expected
    assert all(i.found == FOUND_BY_PATTERN and i.confidence < 1 for i in meeting.action_items)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # What a stand-up speaker still has to do, written with no subject, wherever in the remark.
        ("- cfallin: merged the ISLE RFC. Need to review compiler & integration",
         [("cfallin", "review compiler & integration")]),
        ("- fitzgen: Wrote an overview awhile back and need to write more, yes.", [("fitzgen", "write more, yes")]),
        ("- Mikhail: Yeah, need to reach out to maintainers", [("Mikhail", "reach out to maintainers")]),
        # A requirement, a design point, a question, the project's need, a hypothesis: no task.
        ("- Nick: Need to be able to run a component on a non-component runtime", []),
        ("- Nick: we need to rename this op into something clearer", []),
        ("- Nick: need to express flags use for performance reasons?", []),
        ("- Nick: clippy lints; will need to update them over time", []),
        ("- Nick: would need to analyze to show it is sound", []),
        ("- Nick: probably not, need to evaluate", []),
        # A consequence is not a promise.
        ("- cfallin: merges quickly. Will unlock improvements to backend design", []),
        ("- Nick: Framework will subsume all the existing mid-end optimisations.", []),
    ],
)  # fmt: skip
def test_a_speakers_own_need_is_their_task(body, expected):
    meeting = parse(body)
    assert saved(meeting) == expected
    assert all(i.found == FOUND_BY_PATTERN and i.confidence < 1 for i in meeting.action_items)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # Promises to finish or clean up a piece of work.
        ("- Nick: I haven't updated all stories but will try to complete them this week.",
         [("Nick", "try to complete them this week")]),
        ("- cfallin: bumping RA2 to latest; need to clean up some remaining moves",
         [("cfallin", "clean up some remaining moves")]),
        # What the speaker says comes next, in the minutes' conditional.
        ("- David: I have enough guidance, so my next step would be to provide a draft of revisions",
         [("David", "provide a draft of revisions")]),
    ],
)  # fmt: skip
def test_a_promise_to_complete_clean_up_or_take_the_next_step(body, expected):
    assert saved(parse(body)) == expected
