"""Decisions found in notes: sentences that record or call for a decision -> suggested decision records.

`find_decisions(parsed)` reads a ParsedMeeting's topics (titles and remarks, sentence by sentence)
for wordings that record a decision ("we decided", "agreed to", "consensus was", "Decision: ...",
"no objections") or call for one ("we need to decide", "the question of whether ...", "an RFC
that lays out the options", "any objections?"). Each topic gives at most one suggestion (its
strongest sentence, the others kept beside it), with a question derived from the topic title or
the sentence, the options named in the topic's discussion (decisions.meetings.parsing.options) and
its speakers as contributors. Nothing here is saved: the preview offers each suggestion as a link
to a prefilled new-decision form, and `import_meeting --json` lists them as `suggested_decisions`.

Guards: a record wording that is negated ("no decision yet", "we haven't agreed") is a call for a
decision, not a record; one asked as a question is a call too, held less sure; a person agreeing
with another ("Agreed!", "I agree") and people agreeing to meet or talk (an action item) are not
decisions. Measured against hand labels in tests/data/decisions-in-notes/ (`bench/decided.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from decisions.meetings.parsing.options import options_in
from decisions.meetings.parsing.results import ParsedMeeting, ParsedRemark, ParsedTopic

RECORDS = "records"  # the notes say a decision was made
CALLS = "calls"  # the notes say one is to be made

_GROUP = r"(?:we|they|the (?:group|team|tsc|sig|committee|wg|working group|maintainers|ba|alliance)|everyone|everybody|all)"


@dataclass(frozen=True)
class Wording:
    method: str
    kind: str
    confidence: float
    pattern: re.Pattern[str]


def _w(method: str, kind: str, confidence: float, pattern: str) -> Wording:
    return Wording(method, kind, confidence, re.compile(pattern, re.I))


# The wordings, strongest first; the first that matches a sentence names its method.
WORDINGS = [
    _w(
        "label",
        RECORDS,
        0.95,
        r"^\W{0,3}(?:resolved|decision|decided|agreed|agreement|conclusion)\b[^:]{0,25}:\s*\S",
    ),
    _w("outcome", RECORDS, 0.85, r"^\W{0,3}(?:outcome|result)\s*:\s*\S"),
    _w(
        "decided",
        RECORDS,
        0.9,
        r"\b(?:decided|decides)\b(?!\s+(?:yet|whether|if)\b)|\bdid (?:we|they|you|the group) decide\b",
    ),
    _w(
        "consensus",
        RECORDS,
        0.85,
        r"\b(?:by consensus|consensus (?:is|was|vote|last|reached|on|that)|reached (?:a )?consensus)\b",
    ),
    _w(
        "agreed",
        RECORDS,
        0.8,
        r"\b(?:was|were|is|been|we|they|all|everyone|group|tsc|ba|team|sig)\b[^.;]{0,20}\bagreed\b|\bagreed (?:upon|on|that|to)\b|\bagreed\b$",
    ),
    _w(
        "group agrees",
        RECORDS,
        0.75,
        rf"\b{_GROUP} (?:all )?agrees?\b|\b(?:and i|we all|we both|both of us|all of us) agree (?:that|on|to)\b",
    ),
    _w("settled", RECORDS, 0.85, r"\bsettled (?:on|that)\b"),
    _w("go with", RECORDS, 0.8, r"\b(?:let'?s|let us|we'?ll|we will|we'?re going to|decided to) go with\b"),
    _w("prefers", RECORDS, 0.7, r"\b(?:the group|everyone|we all|the team) prefer(?:s|red)?\b"),
    _w(
        "elected",
        RECORDS,
        0.85,
        r"\b(?:were|was|been) (?:elected|chosen|selected|approved|accepted)\b|\baccepted\b.*\bvote\b",
    ),
    _w("no objections", RECORDS, 0.8, r"^\W{0,3}no objections?\b|\bwith no objections?\b"),
    _w(
        "sounds agreed",
        RECORDS,
        0.5,
        r"\bsounds like (?:not much controversy|no (?:one|objections)|a reasonable approach|(?:we|everyone) (?:all )?agree)\b",
    ),
    _w(
        "options",
        CALLS,
        0.8,
        r"\b(?:cover|covers|lay(?:s|ing)? out|list(?:s|ing)?|compare[sd]?|weigh(?:s|ing)?)\b[^.]{0,60}\b(?:options|alternatives)\b",
    ),
    _w(
        "decide",
        CALLS,
        0.8,
        r"\b(?:need|needs|have|has|want|going|hope|should|must|will|to)\s+(?:to\s+)?(?:make a decision|decide)\b|^\W{0,3}decide\b|\bdecide (?:upon|on|between|whether)\b",
    ),
    _w(
        "no decision",
        CALLS,
        0.75,
        r"\bno (?:decision|consensus|agreement)\b|\bnot (?:yet )?(?:decided|agreed)\b|\b(?:haven'?t|hasn'?t|didn'?t|did not|have not) (?:yet )?(?:decided|agreed|settled)\b|\bundecided\b",
    ),
    _w(
        "whether",
        CALLS,
        0.6,
        r"\b(?:question (?:is|of) whether|raises the question|open question|fork in the road|discuss (?:if|whether))\b",
    ),
    _w(
        "agreement",
        CALLS,
        0.65,
        r"\b(?:in agreement|get agreement|reach (?:an? )?(?:agreement|consensus|decision)|(?:others|everyone|we all) agree\?)",
    ),
    _w("objections", CALLS, 0.6, r"\bany objections?\b|\bdoes anyone object\b"),
    _w(
        "vote",
        CALLS,
        0.6,
        r"(?:^|:\s)\W{0,3}(?:call for )?(?:nominations (?:and|&) )?votes? (?:for|on)\b|\b(?:we|to) (?:should )?vote (?:on|for)\b",
    ),
    _w(
        "choose",
        CALLS,
        0.55,
        r"(?:^|:\s)\W{0,3}(?:select|choose|pick|elect)\s+(?:a|an|the|our|\w+ing)?\s*\w+",
    ),
    _w("should we", CALLS, 0.4, r"^\W{0,3}should we\b.*\?$"),
    # "X vs Y" alone on a line puts a choice to the group; "similar to X vs Y" only compares.
    _w(
        "alternatives",
        CALLS,
        0.3,
        r"^(?![^.?!]*\b(?:similar|like|see|compare|comparing|benchmark\w*|faster|slower)\b)[^.?!]{3,80}\bvs\.?\s[^.?!]{2,80}$",
    ),
]

# A person agreeing with another, not the group deciding: "Agreed!", "I agree", "generally agree".
_ONE_PERSON_RE = re.compile(
    r"^\W{0,3}(?:\+1\W*)?(?:agreed\b(?!\s*:)|i\s+(?:\w+\s+)?agree|(?:generally\s+)?agree[ds]?\b(?!\s+(?:to|that|on|upon)\b)|agreed\W*$|agreed[!;,.])",
    re.I,
)
# Agreeing to meet or talk is an action item for those people, not a decision.
_TO_TALK_RE = re.compile(
    r"\bagreed to (?:a |an )?(?:separate |follow[- ]up )?(?:conversation|call|meeting|chat|discussion|sync|talk|meet|discuss|follow up|look|take a look|review)\b"
    r"|\bagreed? (?:on|that) (?:the )?importance\b",
    re.I,
)
_HYPOTHETICAL_RE = re.compile(r"^\W{0,3}(?:once|when|if|until)\b", re.I)
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[\"“(*_\[]*[A-Z0-9])|(?<=;)\s+")
_MARKUP_RE = re.compile(r"\*\*|__|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w)|`")
_LEAD_RE = re.compile(r"^\s*\*\*([^*]{2,80}?)[.:]?\*\*[.:]?\s*")


@dataclass
class FoundSentence:
    text: str
    line: int
    method: str
    kind: str
    confidence: float
    speaker: str | None = None
    raw: str = ""  # as written, with its Markdown: a bold lead names the subject

    def as_json(self) -> dict[str, Any]:
        return {"sentence": self.text, "line": self.line, "speaker": self.speaker, "method": self.method}


@dataclass
class SuggestedDecision:
    """One topic's decision as the notes word it: offered in the preview, never saved as read."""

    question: str
    sentence: str
    line: int
    kind: str
    method: str
    confidence: float
    topic: str | None
    topic_line: int
    # Who the notes give the sentence to (None: the note-taker wrote it, nobody is quoted).
    speaker: str | None
    options: list[str] = field(default_factory=list)
    contributors: list[str] = field(default_factory=list)
    also: list[FoundSentence] = field(default_factory=list)

    @property
    def lines(self) -> list[int]:
        return [self.line, *(s.line for s in self.also)]

    def as_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "kind": self.kind,
            "sentence": self.sentence,
            "line": self.line,
            "speaker": self.speaker,
            "topic": self.topic,
            "options": self.options,
            "contributors": self.contributors,
            "method": self.method,
            "confidence": self.confidence,
            "also": [s.as_json() for s in self.also],
        }


def find_decisions(parsed: ParsedMeeting) -> list[SuggestedDecision]:
    """The decisions the notes record or call for, one per topic (one per sentence in loose notes)."""
    suggestions: list[SuggestedDecision] = []
    for topic in parsed.topics:
        found = list(_found_in(topic))
        if not found:
            continue
        groups = [[s] for s in found] if topic.loose else [found]
        for group in groups:
            best = max(group, key=lambda s: (s.confidence, -s.line))
            suggestions.append(_suggestion(parsed.aliases, topic, best, [s for s in group if s is not best]))
    return suggestions


def find_in_topic(topic: ParsedTopic) -> SuggestedDecision | None:
    """One topic's suggestion, read from it alone (the saved meeting page's topics)."""
    found = _found_in(topic)
    if not found:
        return None
    best = max(found, key=lambda s: (s.confidence, -s.line))
    return _suggestion(
        {},
        topic,
        best,
        [s for s in found if s is not best],
    )


def sentence_wording(sentence: str) -> Wording | None:
    """The wording that makes this sentence record or call for a decision, or None; a negated
    record is a call, a record asked as a question a less sure call."""
    plain = _plain(sentence)
    if len(plain) < 4 or _ONE_PERSON_RE.search(plain) or _TO_TALK_RE.search(plain):
        return None
    for wording in WORDINGS:
        if not wording.pattern.search(plain):
            continue
        if wording.kind == RECORDS:
            negated = WORDINGS_BY_METHOD["no decision"]
            if negated.pattern.search(plain):
                return negated
            if plain.rstrip().endswith("?") or _HYPOTHETICAL_RE.search(plain):
                return Wording(wording.method, CALLS, round(wording.confidence - 0.3, 2), wording.pattern)
        return wording
    return None


WORDINGS_BY_METHOD = {w.method: w for w in WORDINGS}


def sentences(text: str) -> list[tuple[str, int]]:
    """The sentences of a remark with the line (offset from its first) each starts on."""
    out: list[tuple[str, int]] = []
    start = 0
    for match in [*_SENTENCE_END_RE.finditer(text), None]:
        end = match.start() if match else len(text)
        piece = text[start:end].strip()
        if piece:
            lead = len(text[start:end]) - len(text[start:end].lstrip())
            out.append((" ".join(piece.split()), text[: start + lead].count("\n")))
        if match:
            start = match.end()
    return out


def _found_in(topic: ParsedTopic) -> list[FoundSentence]:
    found: list[FoundSentence] = []
    if not topic.loose and (wording := sentence_wording(topic.title)):
        found.append(
            FoundSentence(_plain(topic.title), topic.line, wording.method, wording.kind, wording.confidence)
        )
    for remark in topic.remarks:
        found.extend(_found_in_remark(remark))
    return found


def _found_in_remark(remark: ParsedRemark) -> list[FoundSentence]:
    found = []
    for text, offset in sentences(remark.text):
        wording = sentence_wording(text)
        if wording is not None:
            line = remark.line + offset
            found.append(
                FoundSentence(
                    _plain(text), line, wording.method, wording.kind, wording.confidence, remark.speaker, text
                )
            )
    return found


def _suggestion(
    aliases: dict[str, str], topic: ParsedTopic, best: FoundSentence, also: list[FoundSentence]
) -> SuggestedDecision:
    kind = CALLS if any(s.kind == CALLS for s in [best, *also]) else RECORDS
    title = None if topic.loose else _plain(topic.title)
    speakers = [aliases.get(name, name) for name in topic.speakers]
    if topic.loose:
        speakers = [aliases.get(best.speaker, best.speaker)] if best.speaker else []
    return SuggestedDecision(
        question=question_for(title, best.raw or best.text, [s.text for s in also]),
        sentence=best.text,
        line=best.line,
        kind=kind,
        method=best.method,
        confidence=best.confidence,
        topic=title,
        topic_line=topic.line,
        speaker=best.speaker,
        options=options_in(topic) if not topic.loose else options_in(topic, only=best.text),
        contributors=list(dict.fromkeys(speakers)),
        also=also,
    )


_WHETHER_RE = re.compile(r"\bwhether\s+(?:or not\s+)?(.+?)(?:[;,]\s|[.?!]?$)", re.I)
_QUESTION_TAG_RE = re.compile(r"^(?:any objections|sounds like|does anyone|ok|right|agreed)\b", re.I)


def question_for(title: str | None, sentence: str, others: list[str] = ()) -> str:  # type: ignore[assignment]
    """The question a record opened from this suggestion decides: the topic's title when it asks
    one, a question the notes ask, a "whether" they name, or the topic and what was said."""
    if title and title.rstrip().endswith("?"):
        return _cap(title.strip(), 300)
    for text in [sentence, *others]:
        if text.endswith("?") and not _QUESTION_TAG_RE.search(text) and 3 <= len(text.split()) <= 30:
            return _cap(re.sub(r"^\W*\w[\w .'-]{0,30}:\s+", "", text) if ":" in text[:32] else text, 300)
    for text in [sentence, *others]:
        if match := _WHETHER_RE.search(text):
            clause = match.group(1).strip().rstrip(".?!")
            clause = re.sub(r"^we should\b", "should we", clause, flags=re.I)
            return _cap(clause[:1].upper() + clause[1:] + "?", 300)
    lead = _LEAD_RE.match(sentence)
    sentence = sentence if lead else _plain(sentence)
    subject = title or (lead.group(1) if lead else "")
    said = _plain(sentence[lead.end() :] if lead else sentence)
    said = re.sub(
        r"^\W*(?:resolved|decision|decided|outcome|agreed|conclusion)\b[^:]{0,25}:\s*", "", said, flags=re.I
    )
    if subject and len(said.split()) < 4:  # "Outcome: no objections." says nothing of what
        return _cap(subject, 300)
    return _cap(f"{subject}: {said}" if subject else said, 300)


def _plain(text: str) -> str:
    return " ".join(_MARKUP_RE.sub("", text).split())


def _cap(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"
