"""The `sign-off` front matter of an export as plain values: the "Sign-off" section of the body written
from them, taken off again on import, and the values checked. Pure (no Django models): the RFC
parsers run it in worker processes.
"""

from __future__ import annotations

import datetime
from typing import Any

KEY = "sign-off"
HEADING = "## Sign-off"
# The words of decisions.signoff.models' choices.
POSITION_WORDS = {"approve": "Approve", "no-objection": "No objection", "abstain": "Abstain", "recuse": "Recuse",
                  "concern": "Concern"}  # fmt: skip
STATE_WORDS = {"review": "Waiting for sign-off", "blocked": "Blocked by a concern", "fcp": "Final comment period",
               "ended": "Final comment period ended", "withdrawn": "Withdrawn"}  # fmt: skip
DISPOSITION_WORDS = {"accept": "Accept (merge)", "close": "Close (reject)", "postpone": "Postpone"}
RULE_KINDS = ("every-team", "majority", "teams")
OPEN_STATES = ("review", "blocked", "fcp")


# The body's section ---------------------------------------------------------------------------


def _day(text: str | None) -> str:
    return str(text or "")[:10]


def _moment(text: str | None) -> str:
    return str(text or "").replace("T", " ").removesuffix("Z")[:16] + " UTC" if text else ""


def section(motions: list[dict[str, Any]]) -> str:
    """The "Sign-off" section, written from the front matter's values alone."""
    lines = [HEADING, ""]
    for motion in motions:
        disposition = DISPOSITION_WORDS.get(motion.get("disposition"), str(motion.get("disposition")))
        lines += [f"### Motion to {disposition.lower()}, {_day(motion.get('proposed-at'))}", ""]
        state = STATE_WORDS.get(motion.get("state"), str(motion.get("state")))
        if motion.get("fcp-ends-at"):
            state += f" ({_moment(motion.get('fcp-starts-at'))} to {_moment(motion.get('fcp-ends-at'))})"
        elif motion.get("closed-at"):
            state += f" ({_moment(motion.get('closed-at'))})"
        lines.append(f"- State: {state}")
        if motion.get("proposed-by"):
            lines.append(f"- Proposed by: {motion['proposed-by']}")
        latest = {p.get("person"): p.get("position") for p in motion.get("positions", [])}
        for team in motion.get("teams", []):
            members = [f"{name} ({POSITION_WORDS.get(latest.get(name), 'no position').lower()})"
                       for name in team.get("members", [])]  # fmt: skip
            lines.append(f"- {team.get('name')}: {', '.join(members) or 'no members'}")
        for concern in motion.get("concerns", []):
            name = (
                f"~~{concern.get('name')}~~" if concern.get("resolved-at") else f"**{concern.get('name')}**"
            )
            entry = f"- Concern {name} by {concern.get('raised-by')}, {_day(concern.get('raised-at'))}"
            if concern.get("resolved-at"):
                entry += f"; resolved by {concern.get('resolved-by') or 'staff'}, {_day(concern.get('resolved-at'))}"
            lines.append(entry)
        lines.append("")
    return "\n".join(lines)


def with_section(body: str, motions: list[dict[str, Any]]) -> str:
    """The body with the section after it (one blank line between); the body alone without motions."""
    if not motions:
        return body
    return f"{body.rstrip(chr(10))}\n\n{section(motions)}" if body.strip() else section(motions)


def without_section(body: str, motions: list[dict[str, Any]]) -> str | None:
    """The body as written before the export added the section; None when the section is not the one
    the front matter gives (an edit there would be lost: the file is refused instead)."""
    if not motions:
        return body
    written = section(motions)
    if body == written:
        return ""
    if not body.endswith("\n\n" + written):
        return None
    return body[: -len(written) - 2] + "\n"


# Import -----------------------------------------------------------------------------------------


class SignOffProblem(ValueError):
    """A `sign-off` value that cannot be restored; the message names the key."""


def when(value: Any, where: str) -> datetime.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
    try:
        parsed = datetime.datetime.fromisoformat(str(value))
    except ValueError as error:
        raise SignOffProblem(f"{KEY}: {where} is {value!r}, not an ISO 8601 time") from error
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def _choice(value: Any, choices: Any, where: str) -> str:
    if value not in choices:
        raise SignOffProblem(f"{KEY}: {where} is {value!r}; one of {', '.join(choices)}")
    return value


def check(motions: Any) -> list[dict[str, Any]]:
    """The `sign-off` value checked enough to restore: a list of mappings with known words and times."""
    if not isinstance(motions, list) or not all(isinstance(m, dict) for m in motions):
        raise SignOffProblem(f"{KEY} must be a list of motions (mappings)")
    for index, motion in enumerate(motions, 1):
        where = f"motion {index}"
        _choice(motion.get("disposition"), DISPOSITION_WORDS, f"{where} disposition")
        _choice(motion.get("state"), STATE_WORDS, f"{where} state")
        for key in ("proposed-at", "fcp-starts-at", "fcp-ends-at", "closed-at"):
            when(motion.get(key), f"{where} {key}")
        if when(motion.get("proposed-at"), where) is None:
            raise SignOffProblem(f"{KEY}: {where} has no proposed-at")
        _choice((motion.get("rule") or {}).get("kind", "every-team"), RULE_KINDS, f"{where} rule kind")
        for position in motion.get("positions", []):
            _choice(
                position.get("position"), POSITION_WORDS, f"{where} position of {position.get('person')!r}"
            )
            when(position.get("at"), f"{where} position time")
        for concern in motion.get("concerns", []):
            if not concern.get("name") or not concern.get("raised-by"):
                raise SignOffProblem(f"{KEY}: {where} has a concern without a name or raised-by")
    if sum(1 for m in motions if m.get("state") in OPEN_STATES) > 1:
        raise SignOffProblem(f"{KEY}: more than one open motion; a record has at most one")
    return motions
