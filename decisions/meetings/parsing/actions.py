"""Action items: explicit ones (`AI:`, `TODO(name)`, task boxes, action sections), promises in prose
(commitments.py), owners, due dates, and which are saved and which only suggested (settle_items)."""

from __future__ import annotations

import datetime
import re
from dataclasses import replace

from decisions.formats.dates import first_date
from decisions.meetings.parsing.base import ReaderBase
from decisions.meetings.parsing.blocks import Block, strip_markup, unescape
from decisions.meetings.parsing.commitments import (
    DESCRIBES_RE,
    FIRST_PERSON_RE,
    JOKE_RE,
    OFFER_VERBS,
    SPEAKER_RE,
    Commitment,
    answer_commitment,
    clauses,
    continued_commitment,
    named_commitments,
    order_commitment,
    own_need,
    passive_commitment,
    speaker_commitment,
    subject_plan,
    unattributed_commitment,
)
from decisions.meetings.parsing.group_tasks import STEP_RE, SUMMARY_RE, group_commitments, plain_order
from decisions.meetings.parsing.labels import has_common_word, is_stop, label_shape, split_label
from decisions.meetings.parsing.results import (
    FOUND_BY_PATTERN,
    FOUND_IN_SECTION,
    FOUND_INFERRED,
    ParsedActionItem,
    ParsedRemark,
)
from decisions.meetings.parsing.words import CHECKBOX_RE, PLACEHOLDER_RE
from decisions.people.names import name_key, split_names

ACTION_PREFIX_RE = re.compile(
    r"^(?:\*\*|__)?\s*(?:action[ \t]+items?|action|ai|todo|to-?do|follow[- ]?up)\b\s*"
    r"(?:\((?P<paren>[^)]{1,40})\))?\s*(?:\*\*|__)?\s*(?:[:\-–—]|\*\*|__)\s*(?:\*\*|__)?\s*(?P<rest>.*)$",
    re.I,
)
ACTION_BOLD_RE = re.compile(
    r"^(?:\*\*|__)(?:action(?:[ \t]+items?)?|ai|todo)(?:\*\*|__)\s+(?P<rest>.+)$", re.I
)
TODO_OWNER_RE = re.compile(r"\bTODO\((?P<owner>[^)]{1,40})\)\s*:?\s*(?P<rest>.*)$")
OWNER_VERB_RE = re.compile(
    r"^(?:that\s+)?(?P<owner>.{1,60}?)\s+(?:will|would|to|should|shall|must|needs? to|is going to|are going to|"
    r"plans? to|agreed to|offered to|volunteered to|is to)\s+(?=\S)",
    re.I,
)
# The owner's own "I will" before a task given to them: "kyle: I will open an issue".
OWN_PROMISE_RE = re.compile(r"^(?:i\s+will|i['’]ll|i\s+am\s+going\s+to|i['’]m\s+going\s+to)\s+(?=\w)", re.I)
# Owners an action list names that are not one person: "all: review the phases PR".
EVERYONE = {"all", "everyone", "everybody", "all attendees"}
# Capitalised words that open a "X will ..." sentence without being anyone in particular.
NOT_PEOPLE = {"he", "she", "they", "you", "someone", "somebody", "anyone", "everyone", "nobody", "probably"}
# "He will...", "She plans to...": the person the sentence before opened with.
PRONOUN_RE = re.compile(r"^(?:he|she)\s+(?=(?:will|plans|is\s+going|is\s+planning)\b)", re.I)
# Verbs after a name that do not show the word before them is a name: "Happy to", "Ultimately going to".
BARE_VERBS = {"to", "going to", "plan to", "plan on", "plans on", "planning to", "planning on"}
TRAILING_OWNER_RE = re.compile(r"\((?P<owner>[^()]{1,40})\)\s*[.;]?\s*$")
# "RA2: will review it", "128-bit arithmetic: plan to...": the subject a promise is about.
SUBJECT_LABEL_RE = re.compile(r"^(?P<label>[\w#/().+-]+(?:\s+[\w#/().+-]+){0,3}):\s+")
# "Update the docs - Sam": the owner written after the task.
TRAILING_DASH_OWNER_RE = re.compile(r"\s+[-–—]+\s+@?(?P<owner>[^-–—()\[\]:]{1,40}?)\s*[.;]?\s*$")
# "(edit: done!)", "(done)", "✅": the notes say the task is done.
DONE_MARK_RE = re.compile(
    r"\s*[(\[]\s*(?:edit:?\s*)?(?:done|completed?|finished|fixed|merged|landed|shipped)\s*[!.]*\s*[)\]]\s*[.;]?\s*$"
    r"|\s*(?:\u2705|\u2714\ufe0f?|\u2611\ufe0f?)\s*$|^(?:\u2705|\u2714\ufe0f?|\u2611\ufe0f?|done\s*:)\s*",
    re.I,
)
# A line that opens with a question word and ends its first sentence with "?".
QUESTION_RE = re.compile(
    r"(?:what|how|why|is|are|does|do|did|should|can|could|which|who|when|where|would|will)\b[^.!?]*\?", re.I
)
# A task of getting in touch with someone, and who: "talk to Lann", "reach out to Dan Gohman".
CONTACT_RE = re.compile(
    r"^(?i:(?:talk|speak|reach\s+out|write|reply|go\s+back)\s+to|(?:sync|connect|check|follow\s+up|"
    r"get\s+in\s+touch|meet)\s+with|ping|ask|contact|email|e-mail|call)\s+@?(?P<who>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)\b"
)
DUE_RE = re.compile(
    r"\b(?:by|due(?:\s+(?:on|by))?|before|until|no later than)\s*:?\s+(?P<when>.{4,30})", re.I
)


class ActionItemsPass(ReaderBase):
    """Action items of a topic or an action-items section, and who owns each."""

    _affiliation_keys: set[str] | None = None

    def _commitment(
        self,
        remark: ParsedRemark,
        sink: list[ParsedActionItem],
        *,
        under: str | None = None,
        answering: bool = False,
    ) -> None:
        """The tasks a remark's clauses promise: `Alex: I'll file an issue`, `Nick: will add it`,
        `Chris will make a proposal`, `Start with #517 next time` (commitments.py says how).

        `under` is the speaker of the bullet an unattributed sub-bullet sits under: a sub-bullet
        that opens with a promise and no subject ("Going to regroup the PRs") is that person's plan.
        `answering`: the remark answers a request above it ("take a look?"), so an offer that opens
        it ("cfallin: can take a look at some point") is the task accepted, not a maybe.
        """
        # `Victor: send some documents...` gives an order; `Nick:` above a list of his issues does not,
        # nor does a remark that asks something ("run out of fuel in one path; correctness?").
        line = self.lines[remark.line - 1] if 0 < remark.line <= len(self.lines) else ""
        ordering = bool(remark.speaker) and remark.speaker.lower() in line.lower() and "?" not in remark.text
        named: str | None = None  # the person the last sentence opened with: who "He will..." is
        summary = not remark.speaker and bool(SUMMARY_RE.match(remark.text))
        parts = clauses(remark.text)
        describing = False  # a sentence before said "a job that ...": what follows is the job's doing
        for index, clause in enumerate(parts):
            if JOKE_RE.search(clause) or (index + 1 < len(parts) and JOKE_RE.match(parts[index + 1])):
                continue  # "I will haunt whoever merges this :)", "... Just kidding": a joke, no task
            if DESCRIBES_RE.search(clause):
                describing = True
                continue
            if index == 0 and answering and remark.speaker and (accepted := answer_commitment(clause)):
                accepted.owner = remark.speaker
                sink.append(self._item(accepted, remark))
                continue
            pronoun = PRONOUN_RE.match(clause)
            if pronoun and named:
                clause = (
                    f"{named} {clause[pronoun.end() :]}"  # "He will share materials" -> "Stephen will..."
                )
            elif subject := self._subject(clause):
                named = subject
            step = STEP_RE.match(clause)
            label = SUBJECT_LABEL_RE.match(clause)
            about = label and not step and not self._owner_name(label["label"], strict=True)
            if about and (remark.speaker or under) and SPEAKER_RE.match(clause[label.end() :]):
                clause = clause[label.end() :]  # "alexcrichton: 128-bit arithmetic: plan to move it..."
            if step and (order := plain_order(clause[step.end() :])):
                found_here = [order]  # "short term: ask Hood about...": a step for the group, whoever says it
            elif under and not remark.speaker and (plan := continued_commitment(clause)):
                plan.owner = under
                found_here = [plan]
            else:
                found_here = self._clause_commitments(clause, remark.speaker, first=index == 0 and ordering)
            if not found_here and summary and (order := plain_order(clause)):
                found_here = [order]  # "Summary: ... Talk to Hood about how to accelerate."
            if not found_here and named and (plan := subject_plan(clause)):
                plan.owner = named  # "David reported he's reached out ... and expects to work with them"
                found_here = [plan]
            if describing:
                # "Another is a job that runs every night ... Won't graph things but will file issues":
                # a promise with no subject there is what the job does. Named people still count.
                found_here = [f for f in found_here if f.owner and f.owner != remark.speaker]
            for found in found_here:
                sink.extend(self._each_owner(self._item(found, remark)))

    @staticmethod
    def _item(found: Commitment, remark: ParsedRemark) -> ParsedActionItem:
        return ParsedActionItem(
            owner=found.owner,
            text=found.text,
            line=remark.line,
            found=found.found,
            confidence=found.confidence,
            offer=found.verb in OFFER_VERBS,
        )

    def _subject(self, clause: str) -> str | None:
        """The known person a sentence opens with: "Victor stated that...", "Currently, Stephen is..."."""
        opened = re.sub(r"^(?:currently|now|also|then|so|and|but),?\s+", "", clause, flags=re.I)
        # "Among old business carried forward, Bailey reintroduced...": a short lead-in, then the name.
        lead_in = re.match(r"^(?:[\w'’-]+\s+){1,5}[\w'’-]+,\s+(?=[A-Z])", opened)
        for text in (opened, opened[lead_in.end() :] if lead_in else ""):
            words = text.split(" ")
            for size in (2, 1):
                name = " ".join(words[:size]).rstrip(",:")
                if len(words) > size and self._owner_name(name, strict=True) and label_shape(name) != "list":
                    return name
        return None

    def _clause_commitments(self, clause: str, speaker: str | None, *, first: bool) -> list[Commitment]:
        named = []
        for found in named_commitments(clause):
            owner = found.owner or ""
            if re.search(r"['’](?:s|ve|ll|re|d|m)$", owner, re.I):
                continue  # "We've", "Alex's": not a name
            known = self._owner_name(owner, strict=True)
            if not known and (owner.lower() in NOT_PEOPLE or name_key(owner) in self._affiliations()):
                continue  # "Someone will...", "Siemens will..." when the notes write "Thomas (Siemens)"
            # "Happy to help", "Trying to...", "Ultimately going to...": a bare "to" or "going to"
            # needs a name these notes know.
            guessed = (
                found.verb not in BARE_VERBS and owner[:1].isupper() and self._owner_name(owner, strict=False)
            )
            if known or guessed:
                found.confidence = found.confidence if known else min(found.confidence, 0.75)
                named.append(found)
        if named:
            return named
        if group := group_commitments(clause):
            return group  # "there was a need to...", "we decided to create...": nobody's in particular
        if speaker:
            found = speaker_commitment(clause) or order_commitment(clause, first=first)
            if (found is None or found.suggested) and (need := own_need(clause)):
                found = need
            if found is None:
                # "Till proposed a policy. An update will be presented to the board": nobody's task.
                passive = passive_commitment(clause)
                return [passive] if passive else []
            found.owner = speaker if found.by_speaker else None  # "we agreed to..." is nobody's
            if first and found.suggested and re.match(r"(?i)needs?\s+to\b", clause):
                # "JB: needs to get a patch ready": a report that opens with what is still to do.
                found.found, found.confidence = FOUND_BY_PATTERN, 0.65
            return [found]
        # "- Update the changelog - Sam" in the discussion: Sam's task, as in an action list.
        dash = TRAILING_DASH_OWNER_RE.search(clause)
        owned = dash and dash.start() > 0 and self._owner_name(dash["owner"].strip(), strict=True)
        if owned and (order := plain_order(clause[: dash.start()])):
            order.owner, order.confidence = dash["owner"].strip(), 0.75
            return [order]
        found = (
            order_commitment(clause, first=False)
            or passive_commitment(clause)
            or unattributed_commitment(clause)
        )
        if (
            found is not None
        ):  # "Start with #517 next time", "An update will be shared...", "will file an issue"
            return [found]
        found = speaker_commitment(clause)
        if found is None or not FIRST_PERSON_RE.match(clause):
            return []  # "will free up memory" with nobody speaking describes, it promises nothing
        found.found, found.confidence = FOUND_INFERRED, 0.4  # "I'll send it", "we decided to": who?
        return [found]

    def _affiliations(self) -> set[str]:
        """Words the notes put in parentheses after a name, "Thomas Trenner (Siemens)": companies."""
        if self._affiliation_keys is None:
            found = re.finditer(r"[A-Z][\w'’-]+\s+\(([A-Z][\w&.'’ -]{1,30})\)", self.text)
            self._affiliation_keys = {name_key(m[1]) for m in found}
        return self._affiliation_keys

    def _each_owner(self, item: ParsedActionItem) -> list[ParsedActionItem]:
        """One task for two people (`Karen & Divya`, `Alex and Sam to sync`) is one item each."""
        if not item.owner or label_shape(item.owner) != "list":
            return [item]
        return [replace(item, owner=name) for name in split_names(item.owner)]

    def _action_line(self, line: str, number: int, task: bool | None) -> ParsedActionItem | None:
        """An explicit action item: a task-list box, `AI:`, `Action:`, `**Action**:`, `TODO(name)`."""
        text = unescape(line)
        owner: str | None = None
        match = ACTION_BOLD_RE.match(text) or ACTION_PREFIX_RE.match(text)
        todo = TODO_OWNER_RE.match(text)
        if todo and text.startswith("TODO("):
            owner, rest = todo["owner"].strip(), todo["rest"].strip()
        elif match and (task is not None or not re.match(r"(?i)^todo\s*$", text)):
            rest = match["rest"].strip()
            paren = match.groupdict().get("paren")
            if paren and label_shape(paren):
                owner = paren.strip()
        elif task is not None:
            rest = text
        else:
            return None
        if PLACEHOLDER_RE.fullmatch(strip_markup(rest)):
            return ParsedActionItem(owner=None, text="", line=number)
        rest, done = _done_mark(rest)
        if owner is None:
            owner, rest = self._owner(rest)
        if owner:
            # "**ACTION ITEM** kyle: I will open an issue": the task, as the owner's list says it.
            rest = OWN_PROMISE_RE.sub("", rest, count=1) or rest
        # An explicit marker in the discussion (`AI:`, a task box); _action_block calls it a section's.
        return ParsedActionItem(
            owner=owner,
            text=rest,
            done=bool(task) or done,
            line=number,
            found=FOUND_BY_PATTERN,
            confidence=0.95,
        )

    def _owner(self, text: str) -> tuple[str | None, str]:
        """Who an action item is for: `Name: task`, `Name - task`, `Name will/to ...`, `... (Name)`."""
        label = split_label(text)
        strict = (
            label is not None and label.form == "paren" and label_shape(label.label) in {"handle", "initials"}
        )
        if label and label.rest and self._owner_name(label.label, strict=strict):
            return label.label, label.rest
        if label and label.rest and label.form == "colon" and label.label.strip().lower() in EVERYONE:
            return label.label.strip(), label.rest  # "all: review the phases PR": everyone's task
        plain = strip_markup(text)
        verb = OWNER_VERB_RE.match(plain)
        subject = re.sub(r"\s*\([^)]*\)\s*$", "", verb["owner"].strip().lstrip("@")).strip() if verb else ""
        # "Brett will join BA Zulip" -> Brett: "join BA Zulip" (the task without its owner).
        after = plain[verb.end() :] if verb else text
        if subject and self._owner_name(subject, strict=True):
            return subject, after
        trailing = TRAILING_OWNER_RE.search(plain)
        if trailing and self._owner_name(trailing["owner"].strip(), strict=False):
            return trailing["owner"].strip(), plain[: trailing.start()].strip() or text
        dash = TRAILING_DASH_OWNER_RE.search(plain)
        if dash and dash.start() > 0 and self._owner_name(dash["owner"].strip(), strict=False):
            return dash["owner"].strip(), plain[: dash.start()].strip()
        if subject and self._owner_name(subject, strict=False):
            return subject, after
        for match in re.finditer(r"\(([^()]{1,40})\)", plain):
            if self._owner_name(match[1].strip(), strict=True):
                return match[1].strip(), text  # "... (Chris) Markdown on GitHub"
        # "Kate connect with Yosh on samples", "Joel add Kushal to invite": a known name, then the task.
        words = plain.split(" ")
        for size in (3, 2, 1):
            if len(words) > size + 1 and words[size][:1].islower() and not words[size - 1].endswith(","):
                name = " ".join(words[:size])
                if self._owner_name(name, strict=True):  # "Bailey will, now that ..., provide a review"
                    return name, re.sub(r"^(?:will|to)\b,?\s*", "", " ".join(words[size:]))
        return None, text

    def _owner_name(self, name: str, *, strict: bool) -> bool:
        """A label that names people: known from these notes, or (not strict) shaped like a name."""
        shape = label_shape(name)
        if not shape or is_stop(name):
            return False
        parts = split_names(name) if shape == "list" else [name]
        if all(name_key(p) in self.known or name_key(p) in self.accepted for p in parts):
            return True
        return not strict and not any(has_common_word(p) or is_stop(p) for p in parts)

    def _action_block(
        self, block: Block, role_item: int | None, owner: str | None = None
    ) -> list[ParsedActionItem]:
        """Each line, or each top-level bullet, of an action-items section is one action item.

        `owner` comes from a `Joel:` line above a list of Joel's items.
        """
        if block.item is not None:
            if not block.first_in_item:
                return []
            if not self._is_top_action_item(block, role_item) and not CHECKBOX_RE.match(block.text.strip()):
                return []
        found: list[ParsedActionItem] = []
        previous: ParsedActionItem | None = None
        for index, raw in enumerate(block.text.split("\n")):
            number = block.line + index + 1
            line = raw.strip().rstrip("\\").strip()
            if not line:
                continue
            task = None
            if index == 0 and block.first_in_item and (box := CHECKBOX_RE.match(line)):
                task, line = box[1].lower() == "x", line[box.end() :]
            if previous is not None and (block.item is not None or _continues(previous.text, line)):
                previous.text = f"{previous.text} {line}"
                continue
            action = self._action_line(line, number, task)
            if action is None:
                line, done = _done_mark(line)
                task = task or done
                who, text = self._owner(line)
                if (
                    block.item is None
                    and found
                    and who is None
                    and not OWNER_VERB_RE.match(strip_markup(line))
                ):
                    break  # the action items ended; what follows is prose ("Summary", a paragraph)
                action = ParsedActionItem(owner=who, text=text, done=bool(task), line=number)
            if not action.text or PLACEHOLDER_RE.fullmatch(strip_markup(action.text)):
                previous = None
                continue
            if QUESTION_RE.match(strip_markup(action.text)):
                previous = None  # "What is the duration of an LTS release?": a question, no task
                continue
            action.owner = action.owner or owner
            action.found, action.confidence = FOUND_IN_SECTION, 1.0
            found.extend(self._each_owner(action))
            previous = action
        return found

    def _is_top_action_item(self, block: Block, role_item: int | None) -> bool:
        item = self.items[block.item] if block.item is not None else None
        if item is None:
            return True
        if role_item is not None:
            return item.parent == role_item
        parent = self.items[item.parent] if item.parent is not None else None
        return parent is None or parent.head is None or parent.head.section != "actions"


def due_date(text: str, meeting: datetime.date | None) -> datetime.date | None:
    """`by 2023-04-15` or `due April 15` -> a date; `by Friday` stays unknown."""
    for match in DUE_RE.finditer(strip_markup(text)):
        found, has_year, start = first_date(match["when"], meeting.year if meeting else None)
        if found is None or start != 0:
            continue
        if meeting and not has_year and found < meeting:
            try:
                found = found.replace(year=found.year + 1)
            except ValueError:
                return None
        return found
    return None


def settle_items(items: list[ParsedActionItem]) -> tuple[list[ParsedActionItem], list[ParsedActionItem]]:
    """The items to save and the suggestions, each in the notes' order, a task said twice kept once.

    A task said in the discussion and again in the action items (`Kevin volunteers to investigate
    Fortran options` ... `Kevin will investigate ... Fortran`) is one: the surer reading is kept.
    """
    rank = {FOUND_IN_SECTION: 0, FOUND_BY_PATTERN: 1, FOUND_INFERRED: 2}
    listed = [i.owner for i in items if i.found == FOUND_IN_SECTION and i.owner]
    # "David offered to think about it ..." and "[ ] David: Check if there is a place ...": the list
    # writes the offer down as the task, in other words.
    items = [i for i in items if not (i.offer and i.owner and any(_same_owner(i.owner, o) for o in listed))]
    kept: list[ParsedActionItem] = []
    for item in sorted(items, key=lambda i: (rank.get(i.found, 1), -i.confidence, i.line)):
        # Only a surer kind covers an item: two promises in the discussion are two tasks.
        if any(_same_task(item, o) for o in kept if rank.get(o.found, 1) < rank.get(item.found, 1)):
            continue
        kept.append(item)
    order = {id(item): index for index, item in enumerate(items)}
    kept.sort(key=lambda i: (i.line, order[id(i)]))
    return [i for i in kept if not i.suggested], [i for i in kept if i.suggested]


def _same_task(a: ParsedActionItem, b: ParsedActionItem) -> bool:
    if bool(a.owner) != bool(b.owner) or (a.owner and b.owner and not _same_owner(a.owner, b.owner)):
        return False
    # "Danny will talk to Lann about examples" ... "Danny: Reach out to Lann about the quickstart":
    # the same person to contact is the same task.
    contact_a, contact_b = CONTACT_RE.search(a.text), CONTACT_RE.search(b.text)
    if contact_a and contact_b and _same_owner(contact_a["who"], contact_b["who"]):
        return True
    words_a, words_b = _content_words(a.text), _content_words(b.text)
    if not words_a or not words_b:
        return False
    return len(words_a & words_b) * 2 >= min(len(words_a), len(words_b))


def _same_owner(a: str, b: str) -> bool:
    """`Marcin` and `Kolny, Marcin`, `Till` and `Till Schneidereit`: one person named two ways."""
    words_a, words_b = set(re.findall(r"\w+", name_key(a))), set(re.findall(r"\w+", name_key(b)))
    return words_a <= words_b or words_b <= words_a


def _content_words(text: str) -> set[str]:
    # Long words compared by their first six letters: "implement" and "implementation".
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {w[:6] if len(w) > 6 else w for w in words if len(w) > 2 and w not in _FILLER}


_FILLER = {
    "the",
    "and",
    "for",
    "with",
    "will",
    "that",
    "this",
    "from",
    "about",
    "into",
    "some",
    "more",
    "out",
}


def _done_mark(text: str) -> tuple[str, bool]:
    """A task the notes mark done (`(edit: done!)`, `✅`, struck through), without the mark."""
    struck = re.fullmatch(r"\s*~~(.+)~~\s*", text)
    if struck:
        return struck[1].strip(), True
    marked = DONE_MARK_RE.sub("", text).strip()
    return (marked, True) if marked != text.strip() and marked else (text, False)


def _continues(previous: str, line: str) -> bool:
    """A line in an action-items paragraph that carries on the item before it."""
    return bool(line[:1].islower()) and not re.search(r"[.!?:;]$", previous.strip())
