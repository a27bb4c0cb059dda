"""Speaker labels: the forms a label takes (`Name:`, `**Name**:`, `[Name]`...), its shape, and which are speakers."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from decisions.meetings.parsing.base import ReaderBase
from decisions.meetings.parsing.blocks import Block, strip_markup, unescape
from decisions.meetings.parsing.words import (
    ACRONYMS,
    CHECKBOX_RE,
    COMMON_SUFFIXES,
    COMMON_WORDS,
    PARTICLES,
    STOP_LABELS,
    TIME_RE,
)
from decisions.people.names import name_key, name_variants, split_names

LABEL_BODY = r"[^:*_\[\]()`<>|#\n]{1,60}?"
BOLD_LABEL_RE = re.compile(
    rf"^(?:\*\*|__)\s*(?P<label>{LABEL_BODY})\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:)\s*(?P<rest>.*)$"
)
ITALIC_LABEL_RE = re.compile(rf"^[*_](?P<label>{LABEL_BODY})(?::[*_]|[*_]\s*:)\s*(?P<rest>.*)$")
BRACKET_LABEL_RE = re.compile(
    r"^(?:(?:\.\.\.|…)\s*)?\[(?P<label>[^\]\[\n]{1,60})\](?![(\[])\s*(?P<sep>:|-+|–|—)?\s*(?P<rest>.*)$"
)
PAREN_LABEL_RE = re.compile(r"^\((?P<label>[^()\n]{1,40})\)\s*(?P<sep>:|-+|–|—)?\s*(?P<rest>.*)$")
SAYS_LABEL_RE = re.compile(r"^(?P<label>[^:\n]{1,60}?)\s+says\s*:\s*(?P<rest>.*)$")
# "Joel's summary:", "Christoph's take:": a person's words, named by what they are.
SAID_NOUNS = (
    r"update|summary|take|comment|question|answer|response|reply|point|view|opinion|concern"
    r"|suggestion|proposal|thoughts?|idea|status|report|position|feedback|notes?|remarks?"
)
POSSESSIVE_LABEL_RE = re.compile(
    rf"^@?(?P<label>[\w\-]+(?:\s+[\w\-]+)?)['’]s?\s+(?:{SAID_NOUNS})\s*:\s*(?P<rest>.*)$", re.I
)
# "Comment from Sam:", "Question from Alex Crichton:".
FROM_LABEL_RE = re.compile(
    r"^(?i:comments?|questions?|answers?|responses?|repl(?:y|ies)|feedback|notes?|remarks?)\s+from\s+"
    r"@?(?P<label>[\w\-]+(?:\s+[\w\-]+)?)\s*:\s*(?P<rest>.*)$"
)
COLON_LABEL_RE = re.compile(r"^@?(?P<label>[^:*_\[\]()`<>|#\n]{1,60}?)\s*[:：]\s*(?P<rest>.*)$")
DASH_LABEL_RE = re.compile(
    r"^@?(?P<label>[^:*_\[\]()`<>|#\n\-–—]{1,40}?)(?:\s+[-–—]+|[-–—]+\s)\s*(?P<rest>.*)$"
)
LABEL_FORMS = (
    ("bold", BOLD_LABEL_RE),
    ("italic", ITALIC_LABEL_RE),
    ("bracket", BRACKET_LABEL_RE),
    ("paren", PAREN_LABEL_RE),
    ("says", SAYS_LABEL_RE),
    ("possessive", POSSESSIVE_LABEL_RE),
    ("from", FROM_LABEL_RE),
    ("colon", COLON_LABEL_RE),
    ("dash", DASH_LABEL_RE),
)


# "Chris explained...", "Andrew Brown brought up...", "Luke pointed out...": words the notes give to
# someone in prose. Only verbs of saying: "Marcin is using...", "Chris will..." attribute nothing.
REPORTED_VERBS = (
    r"said|says|asked|asks|noted|mentioned|mentions|suggested|suggests|proposed|proposes|explained"
    r"|explains|pointed\s+out|points\s+out|agreed|agrees|disagreed|disagrees|replied|responded|answered"
    r"|added|clarified|confirmed|commented|remarked|stated|argued|raised|brought\s+up|shared|reported"
    r"|summari[sz]ed|recapped|highlighted|described|presented|demoed|demonstrated|expressed|offered"
    r"|volunteered|wondered|questioned|recommended|emphasi[sz]ed|stressed|observed|acknowledged"
    r"|requested|inquired|talked|spoke|outlined|walked\s+through|showed|voiced|warned|discussed"
    r"|thinks|thought|believes|feels|felt|wants|wanted\s+to\s+know|went\s+on\s+to\s+explain"
    r"|(?:called|drew)\s+attention"
    r"|indicated|reiterated|re-?introduced"
    # "provided an update", "gave an Elected Delegate special election update", "provided a debrief"
    r"|(?:provided|gave)\s+(?:an?\s+)?(?:[\w-]+\s+){0,4}?(?:update|overview|summary|recap|report|demo|debrief"
    r"|briefing|presentation|status)\b"
)
REPORTED_RE = re.compile(
    rf"(?:^|(?<=[.!?;]\s)|(?<=[.!?;]\s\s)|(?<=[.!?;][)\]\"”]\s))"
    # "Among old business carried forward, Bailey reintroduced her proposal": a short lead-in.
    rf"(?:[A-Z][a-z]+(?:\s+[a-z][\w'’-]*){{1,4}},\s+)?[*_]*@?"
    rf"(?P<name>[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)?|[a-z][a-z0-9_\-]{{2,}})[*_]*"
    rf"\s+(?:also\s+|then\s+|further\s+|briefly\s+)?(?:{REPORTED_VERBS})\b"
)


# Words that open a sentence of reported speech without being anyone's name.
NOT_NAMES = {
    "he", "she", "they", "someone", "somebody", "nobody", "anyone", "further", "finally", "later",
    "earlier", "others", "folks", "participants", "attendees", "presenters", "both", "many", "few",
    "will", "may", "might", "must", "shall", "won't", "can't", "also", "still",
    "board", "committee", "briefly", "supports", "everybody",
}  # fmt: skip


@dataclass(frozen=True)
class Label:
    label: str
    rest: str
    form: str  # bold | italic | bracket | paren | says | possessive | from | colon | dash | bare
    sep: str = ""


@lru_cache(maxsize=32768)
def split_label(line: str) -> Label | None:
    """The speaker-like label a line starts with, if its shape allows one (not yet accepted)."""
    text = unescape(line.strip())
    for form, regex in LABEL_FORMS:
        match = regex.match(text)
        if not match:
            continue
        label = match["label"].strip().strip(",").strip()
        rest = match["rest"].strip()
        sep = (match.groupdict().get("sep") or "").strip()
        if not label:
            return None
        if form == "colon" and (rest.startswith("//") or (label[-1].isdigit() and rest[:1].isdigit())):
            return None
        if form == "bracket" and label.lower() in {"x", " "}:
            return None
        if form == "paren" and not rest:
            return None
        return Label(label, rest, form, sep)
    return None


def _token_kind(token: str) -> str | None:
    if re.fullmatch(r"[A-Z]\.?", token):
        return "initial"
    if token.lower() in PARTICLES:
        return "particle"
    if re.fullmatch(r"[A-Z0-9]{2,3}", token) and re.search(r"[A-Z]", token):
        return "initials"
    if re.fullmatch(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*", token) and token[0].isupper():
        if re.search(r"[a-z][A-Z]", token) and not re.match(r"(?:Mc|Mac|De|Di|La|Le|Van|Von|O['’])", token):
            return None
        if token.isupper() and len(token) > 3:
            return None
        return "cap"
    if re.fullmatch(r"[a-z][a-z0-9_\-]*[a-z0-9]", token):
        return "handle"
    return None


@lru_cache(maxsize=32768)
def label_shape(label: str) -> str | None:
    """single | handle | initials | multi | last_first | list, or None when it cannot be a name."""
    label = label.strip().lstrip("@")
    if not label or len(label) > 40 or re.search(r"[\[\]()*_`<>|#=+{}\"“”!?;]|://|\d{1,2}:\d\d", label):
        return None
    if re.search(r"/|&|\band\b", label):
        parts = split_names(label)
        ok = len(parts) > 1 and all(label_shape(p) in {"single", "handle", "multi"} for p in parts)
        return "list" if ok else None
    if "," in label:
        parts = [p.strip() for p in label.split(",") if p.strip()]
        if len(parts) == 2 and all(_token_kind(p) == "cap" for p in parts):
            return "last_first"
        ok = len(parts) > 1 and all(label_shape(p) in {"single", "handle", "multi"} for p in parts)
        return "list" if ok else None
    tokens = label.split()
    if len(tokens) > 4:
        return None
    kinds = [_token_kind(t) for t in tokens]
    if None in kinds:
        return None
    if len(tokens) == 1:
        return {"cap": "single", "handle": "handle", "initials": "initials"}.get(kinds[0] or "")
    if kinds[0] != "cap" or "handle" in kinds or kinds.count("initials") > 1 or kinds[-1] == "particle":
        return None
    return "multi"


@lru_cache(maxsize=32768)
def is_stop(label: str) -> bool:
    key = label.strip().lower().rstrip(".")
    if key in STOP_LABELS or TIME_RE.match(key):
        return True
    return key.split()[0] in {"the", "this", "that", "we", "i", "it", "if", "our", "my", "a", "an", "re"}


@lru_cache(maxsize=32768)
def has_common_word(label: str) -> bool:
    return any(is_common_word(w.lower().strip(".")) for w in re.split(r"[\s,/&]+", label) if w)


def _wordlike_handle(handle: str) -> bool:
    """`refactoring`, `eventually`, `componentize-py`: words and project names, not people."""
    word = handle.lower()
    if any(part in {"isle", "veri", "wasi", "wasm"} for part in word.split("-")):
        return True
    return word.endswith(
        ("ing", "ly", "ed", "er", "ers", "es", "-py", "-js", "-rs", "-go", "-sys", "-cli")
    ) or (
        word
        in {
            "case",
            "commit",
            "regalloc",
            "memfd",
            "epochs",
            "anyhow",
            "namespacing",
            "refine",
            "isle",
            "veri",
        }
    )


def is_common_word(word: str) -> bool:
    return (
        word in COMMON_WORDS
        or word.upper() in ACRONYMS
        or (len(word) >= 6 and word.endswith(COMMON_SUFFIXES))
    )


def speaker_like(label: str) -> bool:
    """Could be a person's name (decided for good in pass 3); used where structure needs it early."""
    return bool(label_shape(label)) and not is_stop(label) and not has_common_word(label)


class SpeakerLabels(ReaderBase):
    """Pass 3: which labels are speakers, backed by the attendee list or by being used twice."""

    # Pass 3: which labels are speakers -------------------------------------------------------

    tied: dict[str, str]  # label key -> how it was tied to an attendee ("first name"...)

    def _decide_labels(self) -> None:
        self.tied = {}
        firsts: Counter[str] = Counter()
        for name in self.attendees:
            tokens = [t for t in re.split(r"[\s,]+", name) if t]
            if len(tokens) >= 2:
                firsts[name_key(tokens[-1] if "," in name else tokens[0])] += 1
        for name in self.attendees:
            for key in name_variants(name):
                self.known.setdefault(key, name)
            for alias in self.attendee_aliases.get(name, []):
                self.known.setdefault(name_key(alias), name)
            tokens = [t for t in re.split(r"[\s,]+", name) if t]
            if len(tokens) < 2:
                continue
            first = tokens[-1] if "," in name else tokens[0]
            last = tokens[0] if "," in name else tokens[-1]
            if firsts[name_key(first)] == 1:
                self._tie(first, name, "first name")
                self._tie(f"{first} {last[0]}", name, "first name")
                initials = "".join(
                    t[0] for t in ([first, last] if "," in name else tokens) if t[:1].isalpha()
                )
                if len(initials) >= 2:
                    self._tie(initials, name, "initials")
        lines = self._content_lines()
        for line in lines:
            label = split_label(line)
            if label and label_shape(label.label):
                self.counts[name_key(label.label)] += 1
        self._tie_handle_prefixes()
        handles = [
            key
            for key, count in self.counts.items()
            if count >= 2 and label_shape(key) == "handle" and not is_stop(key) and not has_common_word(key)
        ]
        self._handle_notes = len(handles) >= 2
        for forms in (
            {"bold", "italic", "bracket", "says", "possessive", "from", "colon"},
            {"paren", "dash"},
        ):
            for line in lines:
                label = split_label(line)
                if label and label.form in forms and self._accept(label):
                    self.accepted.add(name_key(label.label))
        self._accept_round_siblings()

    def _accept_round_siblings(self) -> None:
        """`- bjorn3: no updates` in a stand-up round whose other entries are speakers (`- cfallin:`,
        `- alexcrichton: no updates`): the same place in the same list, so a person too, though
        not an attendee and written once. Only name-shaped labels with no common word count."""
        rounds: dict[int | None, list[Label]] = {}
        for item in self.items.values():
            if item.head is None or item.head.section not in {"topic", None}:
                continue
            label = split_label(CHECKBOX_RE.sub("", item.head.text.split("\n", 1)[0].strip()))
            if label is not None and label.form == "colon":
                rounds.setdefault(item.parent, []).append(label)
        for labels in rounds.values():
            known = [
                lab
                for lab in labels
                if name_key(lab.label) in self.known or name_key(lab.label) in self.accepted
            ]
            if len(known) < 3 or len(known) * 4 < len(labels) * 3:
                continue  # a round is mostly speakers; a list of "Goal:", "Status:" labels is not
            for lab in labels:
                name = lab.label.strip()
                if (
                    label_shape(name) in {"single", "handle"}
                    and not is_stop(name)
                    and not has_common_word(name)
                ):
                    self.accepted.add(name_key(name))

    def _tie(self, written: str, name: str, how: str) -> None:
        if name_key(written) not in self.known:
            self.known[name_key(written)] = name
            self.tied[name_key(written)] = how

    def _tie_handle_prefixes(self) -> None:
        """`alex:` where the only attendee starting so is the handle `alexcrichton`: that attendee."""
        handles = [a for a in self.attendees if re.fullmatch(r"[a-z][a-z0-9_\-]{3,}", a)]
        for key in list(self.counts):
            if key in self.known or len(key) < 3 or label_shape(key) not in {"single", "handle"}:
                continue
            owners = [h for h in handles if h.startswith(key) and h != key]
            clash = any(name_key(t) == key for a in self.attendees for t in a.replace(",", " ").split())
            if len(owners) == 1 and not clash and not has_common_word(key):
                self._tie(key, owners[0], "handle prefix")

    def _alias_matches(self, aliases: dict[str, str]) -> dict[str, str]:
        return {label: self.tied[name_key(label)] for label in aliases if name_key(label) in self.tied}

    def _content_lines(self) -> list[str]:
        found = []
        for block in self.blocks:
            if block.kind == "para" and not block.quoted and block.section in {"topic", "actions", "agenda"}:
                for index, line in enumerate(block.text.split("\n")):
                    found.append(CHECKBOX_RE.sub("", line.strip()) if index == 0 else line)
        return found

    def _accept(self, label: Label) -> bool:
        name = label.label.strip()
        shape = label_shape(name)
        if shape is None or is_stop(name):
            return False
        key = name_key(name)
        if label.form in {"paren", "dash"}:
            parts = split_names(name) if shape == "list" else [name]
            return all(name_key(p) in self.known or name_key(p) in self.accepted for p in parts)
        if key in self.known:
            return True
        repeated = self.counts[key] >= 2
        if not label.rest and not repeated and shape != "single":
            return False  # "gc-stuff:" over sub-bullets is a label; "Nick:" twice or "Nick:" is a speaker
        if shape == "single":
            return not has_common_word(name)
        if shape == "handle":
            # "jlbirch:" once is a speaker where the notes name people by handle throughout.
            single_ok = self._handle_notes and not _wordlike_handle(name)
            return (repeated or single_ok) and not has_common_word(name)
        if shape == "initials":
            return name.upper() not in ACRONYMS and (repeated or name.isupper())
        if shape == "multi":
            return not has_common_word(name) and (len(name.split()) == 2 or repeated)
        return all(  # a list of names: "Karen/David", "Emily, Dan", "Robin, Bailey"
            name_key(p) in self.known
            or name_key(p) in self.accepted
            or (label_shape(p) == "single" and not has_common_word(p))
            or (label_shape(p) == "handle" and self.counts[name_key(p)] >= 2)
            for p in split_names(name)
        )

    def _reported(self, text: str) -> list[tuple[int, str]]:
        """Where sentences of `text` start with someone's reported words ("Luke pointed out"), and who."""
        found = []
        for match in REPORTED_RE.finditer(text):
            name = match["name"]
            if self._reported_name(name):
                found.append((match.start(), name))
            elif (
                " " in name
                and self._reported_name(name.split()[-1])
                and is_common_word(name.split()[0].lower())
            ):
                # "Then Alex said": the name is the second word.
                found.append((match.start("name") + len(name) - len(name.split()[-1]), name.split()[-1]))
        return found

    def _reported_name(self, name: str) -> bool:
        key = name_key(name)
        if key in self.known or key in self.accepted:
            return True
        if is_stop(name) or has_common_word(name) or not name[:1].isupper():
            return False
        # "He explained", "Further discussed", "Mapping shared memory": not names.
        if any(
            w.lower() in NOT_NAMES or re.search(r"\w{3}(?:ing|ally|ently|ously|ately|ively)$", w)
            for w in name.split()
        ):
            return False
        if re.search(r"['’](?![A-Z])", name):
            return False  # "We've agreed", "Alex's PR"; not "O'Brien"
        return label_shape(name) in {"single", "multi"}

    def _bare_speaker(self, block: Block) -> str | None:
        """`* elliottt` over sub-bullets in a stand-up list: that person's update, the name alone."""
        if block.item is None or not block.first_in_item or not self.items[block.item].has_sublist:
            return None
        text = strip_markup(CHECKBOX_RE.sub("", block.text.strip())).rstrip(":").strip().lstrip("@")
        if "\n" in text or not text or not label_shape(text) or is_stop(text) or has_common_word(text):
            return None
        if name_key(text) in self.known or name_key(text) in self.accepted:
            return text
        parent = self.items[block.item].parent
        siblings = [
            i.head
            for i in self.items.values()
            if i.parent == parent and i.id != block.item and i.head is not None and i.has_sublist
        ]
        named = sum(
            1
            for head in siblings
            if name_key(strip_markup(head.text.strip()).rstrip(":").strip().lstrip("@")) in self.known
        )
        return text if named >= 2 else None

    def _speaker(self, line: str) -> Label | None:
        label = split_label(line)
        if label and name_key(label.label) in self.accepted:
            return label
        return None
