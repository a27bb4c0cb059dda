"""Tasks written in prose that nobody in particular owns: what the group decided, found it needs, or
left for the next meeting. Minutes write them without a name, so each is an item with no owner:

- a need: `there was a need to get in touch with the Mozilla team` (and more than one in a sentence);
- a decision to act: `We decided to create a new calendar poll` (not `we decided to keep the
  cadence`: a decision that needs nobody to act);
- an answer about next steps: `The response was to think offline about...`;
- an item for the next meeting: `this question should also be raised at the next meeting`;
- an order in a summary: `Summary: ... Talk to Hood about how to accelerate.`
- a proposal for everyone: `let's just reconvene at Wasmtime 47 and revisit this`, `let's get
  something scheduled early next week` (only verbs of meeting again: `let's talk about X` is now);
- the purpose or the suggestion of the next meeting: `... in order to provide a response at the
  next board meeting`, `a suggestion that time be spent at the next TSC meeting brainstorming...`;
- `To be continued (Merkle construction of package layers)`;
- a request to everyone: `Please comment on the RFC`, `... and leave comments`, `..., so update
  to the latest and delete your local CLI cache`.
"""

from __future__ import annotations

import re

from decisions.meetings.parsing.commitments import (
    FIRST_PERSON_RE,
    LEAD,
    NOT_A_TASK,
    NOT_AN_ORDER,
    ORDER_VERBS,
    SPEAKER_RE,
    TASK_VERBS,
    Commitment,
    _opens_with_task,
    task_text,
)
from decisions.meetings.parsing.results import FOUND_BY_PATTERN

# Verbs that start a task the group is to do; "keep", "take it offline" and "stay" decide, they ask
# nobody to act.
GROUP_VERBS = (TASK_VERBS - {"continue", "move", "give", "show", "run", "try"}) | {
    "identify", "set", "setup", "arrange", "determine", "define", "write", "return", "provide", "figure",
}  # fmt: skip
# What a group decides to do that still needs doing: organising, not a design choice ("we decided
# to remove program-move recognition" tells how the code came to be).
DECIDED_VERBS = ORDER_VERBS | {
    "create", "return", "revisit", "review", "discuss", "draft", "write", "open", "set", "setup",
    "arrange", "merge", "announce", "post", "talk", "check", "raise",
}  # fmt: skip
NEED_RE = re.compile(
    r"\bthere\s+(?:is|was|remains|['’]s)\s+(?:also\s+|still\s+)*an?\s+(?:clear\s+|real\s+|strong\s+)?need\s+to\s+",
    re.I,
)
DECIDED_RE = re.compile(
    LEAD
    # "After discussion the group decided to revisit...": a short lead-in before the decision.
    + r"(?:(?:after|following)\s+(?:\w+\s+){0,3}?\w+,?\s+)?"
    + r"(?:we|the\s+(?:group|team|sig|subgroup|committee|tsc))\s+(?:(?:also|then)\s+)?(?:decided|agreed)\s+to\s+",
    re.I,
)
# A body of people, not a person: "The TSC will...", "the co-chairs will need to...".
BODY_RE = re.compile(
    r"(?:^|,\s+|\band\s+|\bso\s+)(?P<who>(?:the\s+)?(?:tsc(?:\s+members)?|team|group|sig|subgroup|board|committee|"
    r"co-?chairs|chairs|maintainers|organi[sz]ers|reviewers|[\w-]+\s+team))\s+(?:(?:will\s+)?needs?\s+to|will|shall|"
    r"is\s+to|are\s+to|(?:is|are)\s+going\s+to)\s+(?:also\s+)?",
    re.I,
)
# "We will make an announcement soon", "we'll talk more about it next week": the group's promise,
# nobody's in particular; only with a verb of doing ("we will do it manually", "we'll need to" are not).
# "We'll look at optimization later", "write more lowering over time": put off, not taken on.
PUT_OFF_RE = re.compile(
    r"\b(?:later|eventually|at\s+some\s+point|some\s?day|in\s+the\s+future|over\s+time)\b", re.I
)
WE_WILL_RE = re.compile(LEAD + r"we\s*(?:will|['’]ll)\s+(?:also\s+)?(?=\w)", re.I)
ANSWER_RE = re.compile(
    LEAD + r"(?:the|our)\s+(?:response|answer|decision|conclusion|consensus|outcome|agreement|resolution|"
    r"next\s+steps?)\s+(?:was|is|were|are)\s+to\s+" + NOT_A_TASK + r"(?=\w)",
    re.I,
)
NEXT_MEETING_RE = re.compile(
    r"\bnext\s+time\b|\b(?:next|upcoming|future|later|following)\s+(?:(?:set\s+of|few|couple\s+of)\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:meetings?|calls?|syncs?|sessions?)\b",
    re.I,
)
LATER_RE = re.compile(
    r"\b(?:should|will|shall|must)\s+(?:also\s+)?be\s+(?:raised|discussed|revisited|re-?visited|"
    r"brought\s+(?:up|back)|covered|continued|taken\s+up|picked\s+up|followed\s+up)\b",
    re.I,
)
# Where the next meeting is to pick up: "Issue to begin at next time: 1150".
RESUME_RE = re.compile(r"\b(?:begin|start|resume|continue|pick\s+up)\b", re.I)
PAST_RE = re.compile(r"\b(?:began|started|resumed|continued|picked\s+up|last\s+time|previous\s+time)\b", re.I)
# "This tells us where to begin next time" explains; "how about we continue..." proposes.
NOT_DECIDED_RE = re.compile(
    r"\b(?:where|how|when|what|which)\s+to\b|\b(?:how|what)\s+about\b|\bmaybe\b|\bperhaps\b", re.I
)
# "Chris pointed out that ...": the reporting words before the task.
REPORTING_RE = re.compile(
    r"^.*?\b(?:said|noted|pointed\s+out|suggested|mentioned|agreed|proposed|added|felt|thought)\s+that\s+",
    re.I,
)
# A remark that sums up: its orders are the group's ("Summary: ... Talk to Hood about...").
SUMMARY_RE = re.compile(r"^\W*(?:summary|outcomes?|takeaways?|next\s+steps?)\W*:\s*", re.I)


# "let's" with a verb of picking the subject up again later: the group's next step.
LETS_RE = re.compile(
    r"(?:^|\bi\s+think\s+|[,;]\s*|\bso\s+|\bok(?:ay)?,?\s+|\byup,?\s+|\byes,?\s+)let['’]?s\s+(?:just\s+)?"
    r"(?P<task>(?:reconvene|revisit|follow\s+up|circle\s+back|come\s+back\s+to|pick\s+(?:this|it|that)\s+"
    r"(?:back\s+)?up|get\s+(?:\w+\s+){1,2}scheduled|schedule|set\s+up\s+a\s+(?:meeting|call|sync))\b.*)",
    re.I,
)
# "... in order to provide a response at the next board meeting": what the next meeting is for.
IN_ORDER_RE = re.compile(r"\b(?:in\s+order|so\s+as)\s+to\s+", re.I)
# "a suggestion that time be spent at the next TSC meeting brainstorming...": the subjunctive.
SUGGESTED_THAT_RE = re.compile(
    r"\b(?:suggest(?:ed|ion|s)?|propos(?:ed|al|es)|recommend(?:ed|ation|s)?|agreed|asked)\s+that\s+"
    r"(?P<task>(?:the\s+|some\s+|more\s+)?[\w-]+(?:\s+[\w-]+)?\s+be\s+[a-z]+\b.*)",
    re.I,
)
CONTINUED_RE = re.compile(r"^\W*to\s+be\s+continued\b", re.I)
# A request to everyone at the meeting: "please review the proposal", "leave comments and/or let
# me know if you want to be listed", "so update to the latest and delete your local CLI cache".
# Not "let me know if you have ideas": an invitation, nobody is asked to do anything.
AUDIENCE_RE = re.compile(
    r"(?:^|[,;:]\s*|\bso\s+)(?P<task>please\s+(?:review|comment|take\s+a\s+look|check|try|fill|add|vote|read|"
    r"give|leave|send|update|reach\s+out)\b.*|.*\bleave\s+(?:comments|feedback)\b.*)",
    re.I,
)
YOUR_ORDER_RE = re.compile(r"(?:,\s*|;\s*)so\s+(?P<task>(?P<verb>[a-z]+)\s+(?P<next>\S+).*\byour\b.*)", re.I)


def group_commitments(clause: str) -> list[Commitment]:
    """The tasks a clause gives the group, each with no owner (see the module's docstring)."""
    if clause.rstrip().endswith("?"):
        return []
    if (asked := AUDIENCE_RE.search(clause)) and not NOT_DECIDED_RE.search(clause):
        return [
            Commitment(
                task_text(re.sub(r"^please\s+", "", asked["task"], flags=re.I)), FOUND_BY_PATTERN, 0.65
            )
        ]
    yours = YOUR_ORDER_RE.search(clause)
    if (
        yours
        and yours["verb"].lower() in GROUP_VERBS | {"delete", "upgrade"}
        and yours["next"].lower() not in NOT_AN_ORDER  # "so delete was slow for your build" explains
    ):
        return [Commitment(task_text(yours["task"]), FOUND_BY_PATTERN, 0.65)]
    if CONTINUED_RE.match(clause):
        # The whole line: "To be continued" is what the next meeting is to do, its leading "To" kept.
        return [Commitment(re.sub(r"\s*[.;,]+$", "", clause.strip()), FOUND_BY_PATTERN, 0.65)]
    if (lets := LETS_RE.search(clause)) and not NOT_DECIDED_RE.search(clause):
        return [Commitment(task_text(lets["task"]), FOUND_BY_PATTERN, 0.7)]
    if NEXT_MEETING_RE.search(clause) and not PAST_RE.search(clause):
        purpose = IN_ORDER_RE.search(clause)
        if purpose and _opens_with(clause[purpose.end() :], GROUP_VERBS):
            return [Commitment(task_text(clause[purpose.end() :]), FOUND_BY_PATTERN, 0.65)]
        suggested = SUGGESTED_THAT_RE.search(clause)
        if suggested and NEXT_MEETING_RE.search(suggested["task"]):
            return [Commitment(task_text(suggested["task"]), FOUND_BY_PATTERN, 0.65)]
    needs = list(NEED_RE.finditer(clause))
    if needs:
        found = []
        for index, match in enumerate(needs):
            end = needs[index + 1].start() if index + 1 < len(needs) else len(clause)
            task = re.sub(r"[\s,;]+(?:and|but)?\s*$", "", clause[match.end() : end])
            if _opens_with(task, GROUP_VERBS):
                found.append(Commitment(task_text(task), FOUND_BY_PATTERN, 0.7))
        return found
    body = BODY_RE.search(clause)
    if body and _opens_with(clause[body.end() :], GROUP_VERBS):
        # "The TSC will provide an update...", "the co-chairs will need to upload it": a body, no person.
        return [Commitment(task_text(clause[body.start("who") :]), FOUND_BY_PATTERN, 0.65)]
    decided = DECIDED_RE.match(clause)
    if decided and _opens_with(clause[decided.end() :], DECIDED_VERBS):
        # "agreed to merge the fix but acknowledged a fuller one is needed": the task ends at "but".
        # "..., allowing members time to decide": why, not part of the task.
        task = re.split(
            r",?\s+but\s+|,\s+(?:allowing|giving|since|because)\b", clause[decided.end() :], maxsplit=1
        )[0]
        return [Commitment(task_text(task), FOUND_BY_PATTERN, 0.7)]
    we_will = WE_WILL_RE.match(clause)
    if (
        we_will
        and _opens_with_task(clause[we_will.end() :])
        and not NOT_DECIDED_RE.search(clause)
        and not PUT_OFF_RE.search(clause)
    ):
        task = re.split(r",?\s+but\s+", clause[we_will.end() :], maxsplit=1)[
            0
        ]  # "..., but the old backend..."
        return [Commitment(task_text(task), FOUND_BY_PATTERN, 0.6)]
    if answer := ANSWER_RE.match(clause):
        return [Commitment(task_text(clause[answer.end() :]), FOUND_BY_PATTERN, 0.7)]
    if RESUME_RE.search(clause) and NEXT_MEETING_RE.search(clause) and not _own_or_past(clause):
        # "Issue to begin at next time: 1150", "discussion to continue at the next meeting"
        return [Commitment(task_text(clause), FOUND_BY_PATTERN, 0.65)]
    if LATER_RE.search(clause) and NEXT_MEETING_RE.search(clause):
        reported = REPORTING_RE.match(clause)
        return [
            Commitment(task_text(clause[reported.end() :] if reported else clause), FOUND_BY_PATTERN, 0.65)
        ]
    return []


# A step of a plan inside a remark: "short term: ask Hood...; long term: determine...".
# "good next step -- figure out why XNNPACK gets better": a step named with a dash.
STEP_RE = re.compile(
    r"^\W*(?:short[- ]term|long[- ]term|next\s+steps?|first\s+step)\s*:\s*"
    r"|^\W*(?:(?:a\s+)?good|the)\s+next\s+step\s*(?:--?|[–—])\s*",
    re.I,
)


def plain_order(clause: str) -> Commitment | None:
    """An order that opens with a task verb (`Talk to Hood about how to accelerate`), read only
    where the notes say it is a task: in a summary or a plan's step (the group's), or with
    `- Name` after it."""
    clause = SUMMARY_RE.sub("", clause)
    if clause.rstrip().endswith("?"):
        return None
    words = clause.split()
    if len(words) < 3 or words[0].lower() not in TASK_VERBS | GROUP_VERBS or words[1].lower() in NOT_AN_ORDER:
        return None
    if words[0].isupper():
        return None  # "GET request should return...": a name, not an order
    return Commitment(task_text(clause), FOUND_BY_PATTERN, 0.7, verb="order")


def _own_or_past(clause: str) -> bool:
    """Someone's own promise ("will continue next time"), what was done last time, an explanation
    or a proposal: not the group's task for the next meeting."""
    own = SPEAKER_RE.match(clause) or FIRST_PERSON_RE.match(clause)
    return bool(own or PAST_RE.search(clause) or NOT_DECIDED_RE.search(clause))


def _opens_with(text: str, verbs: set[str]) -> bool:
    first = re.match(r"\s*([A-Za-z]+)", text)
    return bool(first) and first[1].lower() in verbs
