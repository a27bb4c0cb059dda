"""What a heading or bullet says: its title, its kind, whether it reads as a report or a question.

Small pure helpers of the sections pass (`sections.py`) and the agenda reader (`agenda.py`): the
section a heading names, a topic's title from its first paragraph, the subject a speaker brings
(`Chris: Summary of ...`), a stand-up report line, a title-like line and a short opening question.
"""

from __future__ import annotations

import re

from decisions.meetings.parsing.blocks import Block, plain, strip_markup, unescape
from decisions.meetings.parsing.labels import is_stop, speaker_like, split_label
from decisions.meetings.parsing.words import CHECKBOX_RE, EMOJI_RE, SECTION_RES

# "Brett: gave recap on the SIG meeting": a past tense opens what was done, not a subject.
_IRREGULAR_PAST = {
    "gave", "made", "did", "got", "took", "wrote", "sent", "saw", "found", "built", "ran", "began",
    "led", "brought", "met", "spoke", "told", "thought", "held", "went", "came", "heard", "knew",
    "said", "showed", "spent", "taught", "understood",
}  # fmt: skip
# A subject a speaker brings is named in a few words ("Update on OOM handling project").
TITLE_MAX_WORDS = 10
# First words of a remark, not of a subject ("nothing this week", "we should...").
_PRONOUNS = {
    "i", "we", "you", "he", "she", "they", "it", "this", "that", "there", "my", "our", "so", "yes",
    "no", "nothing", "none", "not", "still", "also", "just",
}  # fmt: skip
# Words of a stand-up report rather than a subject ("tail-call PRs landed", "talk since last time").
_REPORT_WORDS = {
    "landed", "merged", "shipped", "released", "fixed", "filed", "finished", "started", "done",
    "working", "worked", "talked", "since", "went", "was", "were", "is", "are", "has", "have", "had",
}  # fmt: skip


def section_kind(title: str) -> str | None:
    """The section a heading names (`agenda`, `attendees`, ...), `skip` for joining or closing, else None."""
    text = EMOJI_RE.sub("", title)
    text = re.sub(r"^[\s\d.)#-]+", "", text)
    text = re.sub(r"[\s:.]+$", "", text).strip().lower()
    if not text:
        return None
    if re.fullmatch(
        r"(?:microsoft teams|zoom|google meet|webex)(?: meeting)?(?: link| info| details)?|how to join"
        r"|adjourn(?:ment|ed)?|closing(?: remarks)?|wrap[- ]?up",  # the end of the meeting, not a subject
        text,
    ):
        return "skip"
    for kind in ("agenda", "attendees", "actions", "links", "container"):
        if SECTION_RES[kind].fullmatch(text):
            return kind
    return None


def topic_title(head: Block | None) -> str:
    """A bullet topic's title: its first paragraph (or first line when long), without the presenter."""
    if head is None:
        return "Untitled topic"
    if head_mode(head) == "label":
        label = split_label(CHECKBOX_RE.sub("", head.text.split("\n", 1)[0].strip()))
        return strip_markup(label.label)[:300] if label else "Untitled topic"
    whole = plain(head.inline)
    first = whole if len(whole) <= 200 else plain(head.inline, first_line_only=True)
    first = CHECKBOX_RE.sub("", first)
    source = (
        " ".join(line.strip() for line in head.text.split("\n"))
        if first == whole
        else head.text.split("\n", 1)[0]
    )
    match = re.match(
        # "[Nick] - regalloc", not a Markdown link "[github repo](https://...)", which is the title.
        r"^(?:(?:\.\.\.|…)\s*)?[\[(][^\])]{1,60}[\])](?!\()\s*[-–—:]*\s*(.+)$",
        unescape(source.strip()),
    )
    if match and match[1].strip():
        first = strip_markup(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", match[1]))
    # "Replication. Discussion thread": the first sentence names the subject, the rest is notes.
    sentences = re.split(r"(?<=[a-z0-9)`][.!?])\s+(?=[A-Z])", first.strip(), maxsplit=1)
    first = sentences[0].rstrip(".") if len(sentences) > 1 else sentences[0]
    return re.sub(r"[\s:]+$", "", first).strip()[:300] or "Untitled topic"


# An address after a topic's subject says where it is discussed, not what: "ISLE:
# https://github.com/...", "wasm split draft — https://..."; one in brackets, wherever it is, is
# an aside: "OCI Registry proposal (https://...)", "mod_init_funcs (https://...) or merging".
_BRACKETED_ADDRESS_RE = re.compile(r"\s*\(\s*(?:see\s+)?<?https?://[^\s()]+>?\s*\)")
_TRAILING_ADDRESS_RE = re.compile(
    r"^(?P<subject>.*?\w.*?)\s*(?:[-–—:]+|\b(?:in|at|see))\s*<?https?://\S+?>?\s*[.;]?\s*$", re.I
)


def tidy_title(title: str) -> str:
    """A topic's title without the addresses written as asides or after its subject; an
    address alone stays."""
    text = _BRACKETED_ADDRESS_RE.sub("", title).strip()
    found = _TRAILING_ADDRESS_RE.match(text)
    subject = found["subject"].strip() if found else text
    return subject if len(subject) >= 2 and "://" not in subject else title


def presented_title(head: Block | None, *, asks: bool = False) -> str | None:
    """`Chris: Summary of [recent security release](...)`: a speaker naming the subject they bring.

    The subject is the first sentence after the name ("Alex: looking at XNNPACK. With egraphs...").
    Only a short noun-like phrase counts: `Guy: I fixed the bug`, `fitzgen: tail-call PRs landed`
    or a question is what was said, not a subject; but with `asks` (the bullet heads sub-bullets),
    a short question opens the discussion below it and is its subject: `alexcrichton: rename x64
    to x86, or something else?` over the answers.
    """
    if head is None or head.kind != "para":
        return None
    lines = head.text.strip().split("\n")
    label = split_label(CHECKBOX_RE.sub("", lines[0].strip()))
    if not label or label.form != "colon" or not label.rest or not speaker_like(label.label):
        return None
    rest = " ".join([label.rest, *(line.strip() for line in lines[1:])])
    text = strip_markup(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", rest)).strip()
    if asks and (question := _opening_question(text)):
        return question
    sentence = re.split(r"(?<=[.?!;])\s+", text, maxsplit=1)
    if len(sentence) == 1 and len(lines) > 1 and len(text.split()) > TITLE_MAX_WORDS:
        # A long remark wrapped over lines, not a subject; "alexcrichton: new math ops in core Wasm
        # for wide multiplies,\n add-with-overflow" is a short title that just wrapped.
        return None
    title = sentence[0].rstrip(".").strip()
    words = title.split()
    if not 0 < len(words) <= TITLE_MAX_WORDS or re.search(r"[?!;,:]$", title):
        return None
    first = words[0].lower()
    if (
        first in _PRONOUNS
        or first.endswith("ed")
        or first in _IRREGULAR_PAST
        or any(w.lower() in _REPORT_WORDS for w in words)
    ):
        return None
    return title


def reads_as_report(line: str) -> bool:
    """ "added a few more instructions", "working on regalloc", "no updates": what someone did."""
    words = re.findall(r"[\w'’-]+", line.lower())
    if not words:
        return False
    if re.match(r"(?:no|nothing|not much|n/?a|none)\b", line.lower()):
        return True
    first = words[0]
    return (
        (first.endswith("ed") and len(first) > 4)
        or (first.endswith("ing") and len(first) > 5)
        or first in _IRREGULAR_PAST
        or first in _REPORT_WORDS
        or first in {"still", "continuing", "more", "some", "mostly", "also"}
    )


def title_like(text: str) -> bool:
    """`Public Registry Name Policy - https://...`, `Quick presentation of Kubecon slides.`; not a
    remark: `Doesn't eliminate cyber squatting.`, `barrier to creating a namespace, have to own a
    domain`, `it might share code...`."""
    text = strip_markup(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text))
    text = re.sub(r"\s*[-–—:]?\s*<?https?://\S+>?\s*$", "", text).strip()
    words = text.split()
    if not words:
        return True
    first = words[0].lower()
    return not (
        re.search(r",\s+(?:have|has|need|needs|will|would|should|can|could|is|are|was|were)\b", text, re.I)
        or re.match(r"[a-z]+n['’]t$", first)
        or first in _PRONOUNS
        or first in _IRREGULAR_PAST
    )


def _opening_question(text: str) -> str | None:
    """`more timeouts on OSS-fuzz; take a look?`: the whole text, when it is one short question
    (a subject and what is asked about it); not `I think we should... right?` (an opinion)."""
    bare = re.sub(r"\b(?:vs|e\.g|i\.e|etc|cf)\.", "", text)  # "(vs. using DWARF)?" ends no sentence
    if not text.endswith("?") or "?" in text[:-1] or re.search(r"(?<=[.!])\s", bare):
        return None
    words = text.split()
    # "exceptions: if we have a custom format should we write a dumper?": a subject, then the question.
    longest = TITLE_MAX_WORDS + (8 if re.match(r"[\w-]+(?:\s[\w-]+)?:\s", text) else 2)
    if len(words) == 1 and words[0].lower().rstrip("?") not in _OPEN_FLOOR and words[0][:1].islower():
        return text  # "alexcrichton: exceptions?" over the discussion of exceptions
    if not 2 <= len(words) <= longest or words[0].lower() in _PRONOUNS | _AUXILIARIES:
        return None  # "does this sound like the path?", "is this the test that...": about what was just said
    if is_stop(text.rstrip("?").strip()):
        return None  # "Next steps?", "Maintainers?": a container or a label, not a subject
    return text


# One-word questions that open the floor, they name no subject.
_OPEN_FLOOR = {"thoughts", "questions", "objections", "comments", "ideas", "anyone", "anything", "ok", "okay",
               "right", "yes", "no", "agreed", "consensus", "concerns", "feedback", "others", "else"}  # fmt: skip
# A question opening with one of these asks about what was just said, it names no subject.
_AUXILIARIES = {
    "do", "does", "did", "is", "are", "was", "were", "can", "could", "should", "would", "will", "shall",
    "has", "have", "had", "am", "may", "might", "must",
}  # fmt: skip


def head_mode(head: Block) -> str:
    """How much of a bullet topic's first paragraph is its title."""
    label = split_label(CHECKBOX_RE.sub("", head.text.split("\n", 1)[0].strip()))
    if label and label.form == "bold" and label.rest and not speaker_like(label.label):
        return "label"
    return "all" if len(plain(head.inline)) <= 200 else "line"
