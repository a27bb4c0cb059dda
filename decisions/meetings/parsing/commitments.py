"""Commitments written in prose: the wordings that say someone is to do something after the meeting.

A remark is cut into clauses (sentences, and `;`-separated parts); each clause is read on its own:

- the speaker commits: `I'll file an issue`, `will switch to Zoom`, `plan is to meter by...`,
  `Going to look into...`, `Next up is working on...`, `Planning to publish...`;
- someone named commits: `Chris will make a proposal`, `Oscar is going to provide feedback`,
  `Alex to draft the RFC, Sam to review` (two items); the reader checks that the name is a person;
- a task for next time: `Start with #517 next time`, `revisit this at the next meeting`;
- guesses, offered as suggestions only (FOUND_INFERRED): `needs to ...`, `can demo it at another
  meeting`, `we decided to ...`, `I will ...` in notes nobody is speaking.

Tasks the group takes on with no one named ("there was a need to...", "we decided to create...",
"should be raised at the next meeting") are read by group_tasks.py.

What only sounds like a promise is left: questions, `will be annoying`, `will probably...`, `the
runtime will call the hook` (a description: its subject is not a person), `it would be nice to`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from decisions.meetings.parsing.blocks import strip_markup
from decisions.meetings.parsing.results import FOUND_BY_PATTERN, FOUND_INFERRED

# What may follow "will"/"going to" when the words are no promise: hedges, descriptions, states
# and consequences ("will unlock improvements", "will impact Cranelift", "will subsume the passes").
NOT_A_TASK = (
    r"(?!(?:not|never|probably|likely|possibly|maybe|perhaps|still|also|always|only|just|even|soon|"
    r"eventually|now|both|either|need|needs|have|has|had|depend|depends|require|requires|become|"
    r"happen|work(?!\s+(?:on|with)\b)|want|wants|like|do\s+is|be\s+(?!\w+ing\s+(?:it|up|on|the|a|an|this|that|into|out|over|through|back|some|more|our|my)\b)\w+|the|this|that|these|those|we|it|its|there|they|you|a|an|our|"
    r"your|their|people|anyone|someone|he|she|i|me|us|them|him|her|at|in|on|if|when|then|for|with|"
    r"from|by|as|than|say|note|admit|argue|guess|assume|bet|free|make\s+(?:it|sense|things)|help|"
    r"allow|enable|unlock|impact|affect|subsume|benefit|break|cause|mean|result|lead|give|get\s+(?:us|you|them)|look\s+like|take\s+(?:a|some)\s+"
    r"(?:time|while)|cost|fail|panic|trap|crash|win|lose|die|kill|fire|hate|love)\b)"
)
LEAD = r"^(?:(?:so|and|but|ok|okay|then|yes|yeah|sure|also|afterwards|short[- ]term|long[- ]term)[,:]?\s+)*"
# The speaker's own promise; the group names the verb phrase that goes.
SPEAKER_RE = re.compile(
    LEAD + r"(?P<verb>(?:i\s+will|i['’]ll|i\s+am\s+going\s+to|i['’]m\s+going\s+to|i\s+(?:plan|intend)\s+to|"
    r"i['’]m\s+planning\s+(?:to|on)|my\s+plan\s+is\s+to|will|going\s+to|plans?\s+to|planning\s+(?:to|on)|"
    r"(?:the\s+)?plan\s+is\s+to|intends?\s+to|next\s+(?:up|work|step)\s+is(?:\s+to)?|next\s+steps\s+are(?:\s+to)?|"
    r"(?:i['’]m\s+|i\s+am\s+|am\s+)?about\s+to)\s+)" + NOT_A_TASK + r"\w",
    re.I,
)
# What the notes mark as said in jest: a smiley, "lol", "(joking)", "/s".
JOKE_RE = re.compile(
    r"(?:^|\s)[:;]-?[)pPD](?=\s|$)|\b(?:lol|haha\w*|jk)\b|\b(?:just\s+)?(?:joking|kidding)\b|(?:^|\s)/s\b"
    r"|[\U0001F600-\U0001F606\U0001F609\U0001F602\U0001F923\U0001F61C\U0001F61D]",
    re.I,
)
FIRST_PERSON_RE = re.compile(LEAD + r"(?:i\b|i['’]|my\b|we\s+(?:decided|agreed)\b)", re.I)
# Guesses: obligations and abilities are not promises, but often become tasks.
# Someone named commits: "Chris will make a proposal", "Sam to review", "Alex and Sam to sync".
# "Joel is meeting with the Emscripten folks on Monday": an arrangement, when a near day is written.
_SOON = r"\b(?i:on\s+(?:mon|tues|wednes|thurs|fri)day|tomorrow|next\s+week|later\s+(?:today|this\s+week))\b"
_NAME = r"@?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2}|@?[a-z][a-z0-9_-]{2,30}"
NAMED_RE = re.compile(
    rf"(?:^|(?<=[,;:(]\s)|(?<=\s\()|(?<=\s[-–—]\s))(?P<who>(?:{_NAME})(?:\s*(?:,|/|&|\band\b)\s*(?:{_NAME}))*)"
    r"(?:\s*\([^()]{1,40}\))?\s+"
    r"(?P<verb>will(?:\s+also)?|(?:is\s+|are\s+)?going\s+to|plans?\s+(?:to|on)|(?:is\s+|are\s+)?planning\s+(?:to|on)|"
    r"agreed\s+to|offered\s+to|offers\s+to|volunteered\s+to|volunteers\s+to|"
    r"(?:is|are)(?=\s+(?:meeting|syncing|talking|presenting|demoing|sending|publishing)\b[^.;]*?"
    + _SOON
    + r")|"
    r"(?:has|took)\s+(?:an|the)\s+action\s+item\s+to|"
    r"is\s+tasked\s+with|to)\s+" + NOT_A_TASK + r"(?=\w)"
)
# Verbs that start a task when written as an order ("send the slides", "Start with #517 next time").
TASK_VERBS = {
    "add", "announce", "ask", "book", "demo", "show", "give", "bring", "check", "circle", "clarify", "collect", "confirm",
    "contact", "continue", "coordinate", "create", "discuss", "document", "draft", "email", "file",
    "find", "finish", "fix", "follow", "get", "invite", "investigate", "look", "loop", "merge", "move",
    "nominate", "open", "organize", "ping", "post", "prepare", "present", "propose", "publish",
    "raise", "reach", "record", "remind", "remove", "reply", "report", "resume", "review", "revisit",
    "run", "schedule", "send", "share", "start", "submit", "summarize", "sync", "talk", "tell",
    "test", "triage", "try", "update", "upload", "verify", "write",
}  # fmt: skip
GUESS_RE = re.compile(
    LEAD + r"(?P<verb>(?:(?:i\s+|we\s+)?needs?\s+to|(?:we|the\s+group)\s+(?:decided|agreed)\s+to|"
    r"(?:i\s+)?can(?=\s+(?:" + "|".join(sorted(TASK_VERBS)) + r")\b))\s+)" + NOT_A_TASK + r"\w",
    re.I,
)
NEXT_TIME_RE = re.compile(
    r"\b(?:next\s+(?:time|meeting|call|sync|session)|(?:another|a\s+future|a\s+later)\s+meeting)\b", re.I
)
RECURRING_RE = re.compile(
    r"\b(?:once|twice)\s+(?:a|per|every)\b|\bevery\s+\w+|\b(?:daily|weekly|bi-?weekly|monthly|yearly)\b", re.I
)
PASSIVE_RE = re.compile(
    r"^(?!(?:it|this|that|there)\b).{3,200}?\swill\s+be\s+(?:taken|shared|presented|verified|scheduled|sent|"
    r"circulated|announced|prepared|organi[sz]ed|drafted|followed\s+up|brought\s+(?:up|back)|revisited|"
    r"re-?visited|raised|proposed|submitted|published|uploaded|filed|opened|created|set\s+up)\b",
    re.I,
)
# Task verbs that are seldom nouns or proposals: "send", "file", "ping", not "add", "merge", "open".
ORDER_VERBS = {
    "ask", "circle", "contact", "coordinate", "email", "file", "follow", "invite", "investigate",
    "nominate", "organize", "ping", "prepare", "publish", "reach", "remind", "schedule", "send",
    "share", "sync", "tell", "upload",
}  # fmt: skip
# Words after a task verb that make it a noun: "Update on...", "Review of...", "Test results are...".
NOT_AN_ORDER = {
    "on", "of", "from", "about", "regarding", "re", "is", "are", "was", "were", "has", "have", "had",
    "looks", "look", "seems", "went", "results", "done",
}  # fmt: skip
# Sentences end before a capital, or before a lowercase word, when the stop ends no abbreviation
# ("done. will file an issue", not "e.g. the runtime" or "talk to e.g. Hood").
_SPLIT_RE = re.compile(
    r"(?<=[.!?][\])])\s+(?=[A-Z])|(?<=[.!?])(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bvs\.)(?<!\bcf\.)\s+(?=[\"'“(\[]?[A-Z@#\d]|`)|\s*;\s+"
    r"|(?<=[.!?])(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bvs\.)(?<!\betc\.)(?<!\bcf\.)(?<!\.\.\.)\s+(?=[a-z])"
)
# Where a promise may start inside a clause: "thought I got those, will recheck", "none yet but
# going to start...", "if no one objects, I will self-nominate".
_MID_RE = re.compile(r"(?:,|\s--?|\s[–—]|\bbut)\s+|\s\(\s*", re.I)
# Verbs a promise made mid-clause, or by nobody in particular, must start with: a task, not a
# consequence ("and will get worse", "will run again immediately").
_PROMISE_VERBS = (TASK_VERBS - {"run", "get", "find", "continue", "move", "give", "show", "test"}) | {
    "dig", "recheck", "put", "land", "rebase", "implement", "take a look", "make a", "make an",
    # "though, will get back with more data": a promise to report, not "will get worse".
    "get back to", "get back with", "get back on", "release",
    # "will try to complete them this week", "need to clean up some remaining moves" (each fired
    # once in 510 unlabelled notes, a task both times).
    "clean up", "complete",
}  # fmt: skip
# A deadline or a near time, which turns an aim or a bare order into a plan: "by end of month",
# "for WasmCon", "fix later today", "before Friday's release".
DEADLINE_RE = re.compile(
    r"\b(?:by|before)\s+(?:the\s+)?(?:end\s+of\s+(?:the\s+)?(?:day|week|month|year|quarter)|eo[dw]\b|"
    r"(?:next|this)\s+\w+|(?:mon|tues|wednes|thurs|fri)day|tomorrow|[\w-]+['’]s\s+release|"
    r"the\s+(?:next\s+)?(?:release|meeting))"
    r"|\b(?:later\s+today|this\s+afternoon|tonight|tomorrow|(?:this|next)\s+week|"
    r"end\s+of\s+(?:the\s+)?(?:day|week|month))\b"
    r"|\b(?:for|at|before|after)\s+(?:wasmcon|kubecon|wasm\s?i/?o|the\s+(?:next\s+)?release)\b"
    r"|\bwithin\s+(?:a|the\s+next)\s+(?:few\s+|couple\s+(?:of\s+)?)?(?:days|weeks?)\b",
    re.I,
)
# An aim the speaker states: "Aiming to tag ... by end of month", "Trying to get this up this week",
# "Hoping to merge one last PR before Friday's release". With no deadline it is a hope or ongoing
# work ("hoping to do PCA", "trying to understand the blowup") and is left.
# "I'll have a draft PR ... this afternoon", "plan to have enough by next mtg": "have" is a plan
# only with a deadline ("will have to", "will have more data" otherwise).
HAVE_BY_RE = re.compile(
    LEAD
    + r"(?P<verb>(?:i\s+will|i['’]ll|will|(?:i['’]m\s+|i\s+am\s+)?going\s+to|(?:i\s+)?plan(?:s|ning)?\s+to)\s+)"
    r"(?=have\s+(?!to\b)\w)",
    re.I,
)
AIM_RE = re.compile(
    LEAD + r"(?:i['’]m\s+|i\s+am\s+|am\s+|we['’]re\s+|we\s+are\s+)?(?P<verb>(?:aiming|aim|hoping|hope|trying|"
    r"expecting|expect)\s+to\s+)(?!(?:be|see|understand|figure|learn|know|hear)\b)(?=\w)",
    re.I,
)
# The speaker's own offer: "Yes, I can take that on", "I can make a sketch ... and put in a github
# issue". Not "can ask Python for..." (what a program can do), not "if I can take a bit".
OFFER_RE = re.compile(LEAD + r"i\s+(?P<verb>can\s+(?:also\s+)?)(?=\w)", re.I)
_OFFER_TASK_RE = re.compile(
    r"(?:take\s+(?:that|this|it)\s+on|take\s+(?:a\s+)?look|take\s+\w+ing|make\s+(?:a|an)\b|"
    r"do\s+(?:this|that|it)\b)",
    re.I,
)


OFFER_VERBS = frozenset({"offered to", "offers to", "volunteered to", "volunteers to"})


@dataclass
class Commitment:
    text: str
    found: str
    confidence: float
    owner: str | None = None  # a name written in the clause; None when it is the speaker's or nobody's
    by_speaker: bool = False  # the remark's speaker is the one to do it
    verb: str = ""

    @property
    def suggested(self) -> bool:
        return self.found == FOUND_INFERRED


def clauses(text: str) -> list[str]:
    """A remark's sentences, and the `;`-separated parts of each: each may hold one commitment."""
    flat = " ".join(strip_markup(text).split())
    return [c.strip() for c in _SPLIT_RE.split(flat) if c and c.strip()]


def speaker_commitment(clause: str) -> Commitment | None:
    """`will switch to Zoom`, `I'll file an issue`, `plan is to...`: the speaker's promise."""
    if clause.rstrip().endswith("?"):
        # "About to take up some benchmarking work, has the stuff you've been working on gone in?":
        # the plan before the comma stands; the question after it asks something else.
        tail = _QUESTION_TAIL_RE.search(clause)
        return speaker_commitment(clause[: tail.start()]) if tail and tail.start() > 0 else None
    if match := SPEAKER_RE.match(clause):
        return Commitment(task_text(clause[match.end("verb") :]), FOUND_BY_PATTERN, 0.8, by_speaker=True)
    if task := _promise_inside(clause) or _work_to_come(clause):
        return Commitment(task, FOUND_BY_PATTERN, 0.75, by_speaker=True)
    if found := aim_commitment(clause) or offer_commitment(clause) or deadline_order(clause):
        return found
    if not clause.rstrip().endswith("?") and (task := next_plan(clause)):
        return Commitment(task, FOUND_BY_PATTERN, 0.7, by_speaker=True)
    if match := GUESS_RE.match(clause):
        # "we agreed to..." is the group's: nobody in particular, not the person who said it.
        mine = not re.match(r"(?:we|the\s+group)\s+(?:decided|agreed)\b", match["verb"], re.I)
        if NEXT_TIME_RE.search(clause):  # "can demo VTune working at another meeting"
            return Commitment(task_text(clause[match.end("verb") :]), FOUND_BY_PATTERN, 0.7, by_speaker=mine)
        return Commitment(task_text(clause[match.end("verb") :]), FOUND_INFERRED, 0.4, by_speaker=mine)
    if (maybe := _MAYBE_GOING_RE.match(clause)) and _opens_with_task(clause[maybe.end() :]):
        # "no immediate updates; maybe going to start removing safepoint support": a plan, hedged.
        return Commitment(task_text(clause[maybe.end() :]), FOUND_BY_PATTERN, 0.6, by_speaker=True)
    if (hedge := _HEDGE_RE.search(clause)) and len(clause.split()) > 3:  # not a bare "Happy to help"
        # "may experiment with this", "probably need guidance but happy to try": maybe a task.
        task = task_text(clause[hedge.end("verb") :])
        # "happy to help" alone says too little: the whole clause tells the person what was offered.
        text = task if len(task.split()) > 2 else task_text(clause)
        if re.match(r"(?:am\s+|i['’]m\s+)?(?:happy|glad|willing)\b", hedge["verb"], re.I) and not re.match(
            r"help\b", task, re.I
        ):
            # "happy to prototype that", "happy to take on this issue": an offer of a piece of work,
            # where "may experiment" and "happy to help review" stay maybes.
            return Commitment(text, FOUND_BY_PATTERN, 0.65, by_speaker=True)
        return Commitment(text, FOUND_INFERRED, 0.3, by_speaker=True)
    return None


# Stand-up plans written as "next": "next: ABISig optimizations", "next goal for me: ...". On 390
# corpus notes outside every labelled set it fires once (a plan); on the labelled sets 3 times, 3 tasks.
NEXT_PLAN_RE = re.compile(
    LEAD + r"(?:next(?:\s+next)?|next\s+up|up\s+next|next\s+(?:goal|thing|task|focus|item)s?(?:\s+for\s+me)?)"
    r"\s*(?::|--?|–)\s*(?=\w)",
    re.I,
)
TRAILING_NEXT_RE = re.compile(r"^(?P<task>.{3,120}?)\s+next[.!]*$", re.I)


def next_plan(clause: str) -> str | None:
    """`next: ABISig optimizations`, `next goal for me: ...`, `work on complicated lowerings next`."""
    if match := NEXT_PLAN_RE.match(clause):
        return task_text(clause[match.end() :])
    if (match := TRAILING_NEXT_RE.match(clause)) and (
        _opens_with_task(match["task"]) or re.match(r"work\s+on\b", match["task"], re.I)
    ):
        return task_text(clause)
    return None


# A stand-up speaker's own obligation, with no subject: "merged the RFC. Need to review compiler &
# integration", "wrote an overview and need to write more". Not "will need to change the public
# APIs": in 510 unlabelled notes that was the project's need twice, and nobody's task.
# Only with a task verb after it: the labels leave "need to be able to...", "need to evaluate
# whether..." and "we need to rename this op" (a design point, not anyone's task).
OWN_NEED_RE = re.compile(
    r"(?:^|(?:,|\band|\bbut|\bso|\s--?|\s[–—])\s+)(?:i\s+)?(?:still\s+)?"
    r"needs?\s+to\s+(?:also\s+)?(?=\w)",
    re.I,
)
_OWN_NEED_VERBS = {"change", "go back", "land", "rebase", "implement", "finish", "get"}


def own_need(clause: str) -> Commitment | None:
    """`need to go back and find it`: what the speaker reports they still have to do."""
    if clause.rstrip().endswith("?") or _HYPOTHETICAL_RE.search(clause):
        return None
    for match in OWN_NEED_RE.finditer(clause):
        rest = clause[match.end() :]
        if _opens_with_task(rest) or any(rest.lower().startswith(v + " ") for v in _OWN_NEED_VERBS):
            return Commitment(task_text(rest), FOUND_BY_PATTERN, 0.6, by_speaker=True)
    return None


_QUESTION_TAIL_RE = re.compile(r",\s+(?:has|have|is|are|does|do|did|any|what|how|why)\b[^,]*\?\s*$", re.I)
_MAYBE_GOING_RE = re.compile(LEAD + r"(?:maybe|probably|likely)\s+going\s+to\s+", re.I)
# A hedged offer by the speaker, at the start or after a comma or "but": a suggestion at most.
_HEDGE_RE = re.compile(
    r"(?:^|(?:,|\bbut|\band|\s--?|\s[–—])\s+)(?:i\s+)?(?P<verb>(?:may|might)\s+(?:also\s+)?|(?:am\s+|i['’]m\s+)?"
    r"(?:happy|glad|willing)\s+to\s+|will\s+probably\s+|(?:can|could)\s+try\s+to\s+)"
    r"(?=(?:try|experiment|help|dig|look|investigate|take\s+a\s+look|write|send|review|prototype|ping)\b)",
    re.I,
)


# A sentence that says what a thing (not a person) is: "Another is a job that runs every night".
DESCRIBES_RE = re.compile(
    r"\b(?:is|are|was|would\s+be)\s+(?:a|an)\s+(?:[\w-]+\s+){0,2}?(?:job|tool|bot|script|service|system|"
    r"thing|process|program|workflow|action|check|pass|hook|daemon|cron(?:job)?)\s+(?:that|which)\b",
    re.I,
)
# "... and expects to work with them", "..., and plans to publish it": a plan later in a sentence
# about a named person ("David reported he's reached out ... and expects to ..."); the reader gives
# the owner, the person the sentence opens with.
SUBJECT_PLAN_RE = re.compile(
    r"(?:,\s*|\s)(?:and|but)\s+(?:(?:he|she|they)\s+)?(?P<verb>(?:expects|plans|intends|aims|hopes\s+to\s+be\s+able|"
    r"offered|agreed|volunteered|is\s+going)\s+to|will)\s+" + NOT_A_TASK + r"(?=\w)",
    re.I,
)
# An offer that opens a reply to a request ("take a look?" -> "can take a look at some point").
ANSWER_RE = re.compile(
    r"^(?:(?:yes|yeah|yep|sure|ok(?:ay)?)\b[,!.]?\s+)*(?:i\s+)?(?P<verb>(?:can|could|will|['’]ll|(?:am\s+)?"
    r"(?:happy|glad|willing)\s+to)\s+(?:also\s+)?)(?=(?:take|look|do|handle|fix|review|investigate|check|"
    r"try|dig|help\s+(?:with|review)|write|send|file|open|ping|prototype)\b)",
    re.I,
)
# Requests a reply may accept: "take a look?", "can someone review?", "anyone want to write it up?".
REQUEST_RE = re.compile(
    r"(?:^|[;:.,]\s*|\s-\s)(?:(?:can|could|would)\s+(?:someone|somebody|anyone|you)\b|(?:any|some)one\s+"
    r"(?:want|willing|able|have\s+time|interested)\b|who\s+(?:can|will|wants|would)\b|(?:take\s+a\s+look|look\s+into\s+"
    r"(?:it|this|that)|investigate|review\s+(?:it|this|that))\b)[^?]{0,80}\?",
    re.I,
)


def answer_commitment(clause: str) -> Commitment | None:
    """`can take a look at some point`, `Sure, I'll review it` in reply to a request: accepted."""
    match = ANSWER_RE.match(clause)
    if match is None or clause.rstrip().endswith("?") or _HYPOTHETICAL_RE.search(clause):
        return None
    return Commitment(task_text(clause[match.end("verb") :]), FOUND_BY_PATTERN, 0.7, by_speaker=True)


def subject_plan(clause: str) -> Commitment | None:
    """The plan in `... and expects to work with them to arrange a follow-up meeting`."""
    if clause.rstrip().endswith("?"):
        return None
    match = SUBJECT_PLAN_RE.search(clause)
    if match is None or (not _opens_with_task(clause[match.end() :]) and match["verb"].lower() == "will"):
        return None  # "and will get worse": a consequence
    verb = " ".join(match["verb"].lower().split())
    return Commitment(task_text(clause[match.end() :]), FOUND_BY_PATTERN, 0.7, verb=verb)


def aim_commitment(clause: str) -> Commitment | None:
    """`Aiming to tag the release by end of month`: an aim with a deadline is a plan."""
    match = AIM_RE.match(clause) or HAVE_BY_RE.match(clause)
    if match is None or clause.rstrip().endswith("?") or not DEADLINE_RE.search(clause):
        return None
    return Commitment(task_text(clause[match.end("verb") :]), FOUND_BY_PATTERN, 0.7, by_speaker=True)


def offer_commitment(clause: str) -> Commitment | None:
    """`I can take that on`, `I can look at that`: the speaker offers, in so many words, to do it."""
    match = OFFER_RE.match(clause)
    if match is None or clause.rstrip().endswith("?") or _HYPOTHETICAL_RE.search(clause):
        return None
    rest = clause[match.end("verb") :]
    if not (_opens_with_task(rest) or _OFFER_TASK_RE.match(rest)):
        return None  # "I can do whatever I want": no task offered
    if this := re.match(r"do\s+(?:this|that|it)\b(?=\s*[,:;])", rest, re.I):
        rest = this[0]  # "I can do this, generally the process is:": the offer, not the explanation
    return Commitment(task_text(rest), FOUND_BY_PATTERN, 0.7, by_speaker=True)


# What makes a clause a condition or a wish rather than a promise.
_HYPOTHETICAL_RE = re.compile(r"\b(?:if|whether|wonder(?:ing)?|unless|would|could)\b", re.I)


def deadline_order(clause: str) -> Commitment | None:
    """A task verb with a near time after a dash or comma in the speaker's remark: "new alias
    analysis bug -- fix later today". Without the time it is a note ("bug -- fix pending")."""
    if clause.rstrip().endswith("?") or _HYPOTHETICAL_RE.search(clause):
        return None
    for sep in _MID_RE.finditer(clause):
        rest = clause[sep.end() :]
        deadline = DEADLINE_RE.search(rest)
        if deadline is None or not _opens_with_task(rest) or JOKE_RE.search(rest):
            continue
        verb_only = len(rest[: deadline.start()].split()) <= 1  # "fix later today": fix what?
        return Commitment(task_text(clause if verb_only else rest), FOUND_BY_PATTERN, 0.7, by_speaker=True)
    return None


def _promise_inside(clause: str) -> str | None:
    """The task of a promise that opens after a comma, a dash or "but" inside the clause, when it
    starts with a task verb: "updated the RFC, will make a motion to finalize soon"."""
    for sep in _MID_RE.finditer(clause):
        rest = clause[sep.end() :]
        if sep[0].strip() == "(":
            rest = rest.split(")", 1)[0]  # "finishing up the RFC (will post an initial PR soon)"
        match = SPEAKER_RE.match(rest)
        if match and _opens_with_task(rest[match.end("verb") :]):
            return task_text(rest[match.end("verb") :])
    # "Once we have more stability there I'll change my focus to...": the speaker's own "I'll" after
    # a condition written without a comma is a plan, whatever its verb (NOT_A_TASK still applies).
    if (cond := _CONDITION_RE.match(clause)) and (match := SPEAKER_RE.match(clause[cond.end() :])):
        return task_text(clause[cond.end() + match.end("verb") :])
    # "..., other than (ed: ...) Next steps are turning the fuzzer into...": wherever it stands.
    if steps := _NEXT_STEPS_RE.search(clause):
        return task_text(clause[steps.end() :])
    return None


_CONDITION_RE = re.compile(
    r"^(?:once|when|after|as\s+soon\s+as)\s+[^,;]{3,80}?\s(?=i\s*(?:['’]ll|will)\s)", re.I
)
# "his next step would be to provide a draft": minutes write the plan in the conditional too.
_NEXT_STEPS_RE = re.compile(
    r"\bnext\s+steps?\s+(?:is|are|will\s+be|would\s+be)\s+(?:to\s+)?" + NOT_A_TASK + r"(?=\w)", re.I
)


def _work_to_come(clause: str) -> str | None:
    """Work reported as ongoing that is still to happen: "Working on an explainer that he'll share
    for feedback" (the sharing), "working on RISC-V SIMD starting next week"."""
    match = _SHARE_LATER_RE.match(clause)
    if match and _opens_with_task(f"{match['verb']} {match['rest']}"):
        return task_text(f"{match['verb']} {match['object']}{match['rest']}")
    if _STARTING_RE.match(clause):
        return task_text(clause)
    return None


_WORKING_ON = (
    r"(?:(?:i['’]m|i\s+am|am|is)\s+)?(?:working\s+on|writing|drafting|preparing|putting\s+together)\s+"
)
_SHARE_LATER_RE = re.compile(
    LEAD + _WORKING_ON + r"(?P<object>.+?)\s+(?:that|which)\s+(?:he|she|they|i|we)\s*(?:['’]ll|\s+will)\s+"
    r"(?P<verb>[a-z]+)(?P<rest>\b.*)$",
    re.I,
)
_STARTING_RE = re.compile(
    LEAD
    + _WORKING_ON
    + r".+?\bstarting\s+(?:next\s+(?:week|month|sprint)|tomorrow|on\s+monday|after\s+the\s+\w+)\b",
    re.I,
)


def _opens_with_task(text: str) -> bool:
    text = re.sub(r"^(?:try\s+(?:to|and)\s+)", "", text.strip(), flags=re.I).lower().rstrip(".;,!")
    if re.match(r"(?:talk|speak)\s+about\b", text):
        return False  # "so in this agenda, I will talk about...": what the speaker says next, now
    return any(text == verb or text.startswith(verb + " ") for verb in _PROMISE_VERBS)


def unattributed_commitment(clause: str) -> Commitment | None:
    """A promise with no one named and no one speaking: "- will file an issue" under a topic,
    "fails on main too; will add a test". Nobody's, and only when the clause opens with it and the
    words after it with a task ("Core Wasm ... and will add tables" describes a project)."""
    if clause.rstrip().endswith("?"):
        return None
    match = SPEAKER_RE.match(clause)
    if match and not FIRST_PERSON_RE.match(clause) and _opens_with_task(clause[match.end("verb") :]):
        return Commitment(task_text(clause[match.end("verb") :]), FOUND_BY_PATTERN, 0.6)
    return None


def continued_commitment(clause: str) -> Commitment | None:
    """A promise with no subject (`Going to regroup the PRs`, `Will send the slides`): in a
    sub-bullet under someone's bullet, that person's plan; the reader gives the owner."""
    if clause.rstrip().endswith("?") or FIRST_PERSON_RE.match(clause):
        return None
    match = SPEAKER_RE.match(clause)
    if match is None and (task := next_plan(clause)):
        return Commitment(task, FOUND_BY_PATTERN, 0.7)
    if match is None:
        # "Aiming to land it by Friday", "new alias analysis bug -- fix later today" under "fitzgen:".
        return aim_commitment(clause) or deadline_order(clause)
    if re.match(r"(?:the\s+)?plan\s+is\b", match["verb"], re.I):
        return None  # "Plan is to..." under a bullet may be anyone's plan
    return Commitment(task_text(clause[match.end("verb") :]), FOUND_BY_PATTERN, 0.7)


def passive_commitment(clause: str) -> Commitment | None:
    """`A general update will be shared at the board meeting`: minutes' way of writing a task
    nobody in particular owns. Only verbs of organising count: `the hook will be called` does not."""
    if clause.rstrip().endswith("?") or not PASSIVE_RE.search(clause) or RECURRING_RE.search(clause):
        return None  # "the meetings will be organized once a month" is an arrangement, not a task
    return Commitment(task_text(clause), FOUND_BY_PATTERN, 0.6)


def named_commitments(clause: str) -> list[Commitment]:
    """`Chris will make a proposal`, `Alex to draft, Sam to review`: the named person's tasks.

    The owner is only a candidate: the reader keeps it when it can be a person's name.
    """
    if clause.rstrip().endswith("?"):
        return []
    found: list[Commitment] = []
    matches = list(NAMED_RE.finditer(clause))
    for index, match in enumerate(matches):
        if match["verb"] == "to" and match.start() > 0 and clause[match.start() - 2] not in ",;:":
            # "to" alone must open its clause or follow a subject's label ("GGML (#66): Sam to ask
            # in the issue"): "Sam to review", not "went to Alex to ask".
            continue
        end = matches[index + 1].start() if index + 1 < len(matches) else len(clause)
        task = re.sub(r"[\s,;]+(?:and|but)?\s*$", "", clause[match.end("verb") : end])
        if task.strip():
            who, verb = match["who"].strip().lstrip("@"), " ".join(match["verb"].split())
            if verb in OFFER_VERBS:
                # The minutes record an offer taken up ("Bailey ... offered to draft a statement"):
                # a task, a little less sure than "will".
                found.append(Commitment(task_text(task), FOUND_BY_PATTERN, 0.7, owner=who, verb=verb))
            elif verb in {"is", "are"}:
                found.append(Commitment(task_text(task), FOUND_BY_PATTERN, 0.7, owner=who, verb=verb))
            else:
                found.append(Commitment(task_text(task), FOUND_BY_PATTERN, 0.85, owner=who, verb=verb))
    return found


def order_commitment(clause: str, *, first: bool) -> Commitment | None:
    """A clause that gives an order: `Start with #517 next time` (anywhere) or, as the first words
    of someone's remark, `send some documents on...`; the speaker, if any, is the owner."""
    if clause.rstrip().endswith("?"):
        return None
    word = re.match(r"([A-Za-z]+)\s+(\S+)", clause)
    if not word or word[1].lower() not in TASK_VERBS or word[2].lower() in NOT_AN_ORDER:
        return None  # "Update on the OOM project" names a report, it gives no order
    if NEXT_TIME_RE.search(clause):
        return Commitment(task_text(clause), FOUND_BY_PATTERN, 0.7, by_speaker=True, verb="order")
    if not first:
        return None
    # "Victor: send some documents on..." is a task; "fitzgen: add a cargo flag..." in a discussion
    # is as often a proposal, and "merge conflict", "Open question" are nouns: suggestions only.
    if word[1].lower() in ORDER_VERBS and len(clause.split()) >= 3:
        return Commitment(task_text(clause), FOUND_BY_PATTERN, 0.7, by_speaker=True, verb="order")
    return Commitment(task_text(clause), FOUND_INFERRED, 0.5, by_speaker=True, verb="order")


def task_text(text: str) -> str:
    """The task in the notes' words, without a leading `to` or the clause's closing stop."""
    text = re.sub(r"^(?:to\s+)", "", text.strip(), flags=re.I)
    # "put everything together into one thing but." -> the task ends where the sentence broke off.
    text = re.sub(r"(?:[\s,;]+(?:but|and|so))+[\s.;,]*$", "", text, flags=re.I)
    if text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1]  # "(Brett offers to provide pointers when ready)": the aside's own bracket
    return re.sub(r"\s*[.;,]+$", "", text).strip()
