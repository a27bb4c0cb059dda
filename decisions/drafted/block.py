"""The generated block of an RFC drafted from a decision: the matrix as Markdown, and its markers.

Pure functions, no queries: `generate()` turns a built matrix (decisions.records.matrix) into the
Markdown between the markers; `find()` and `replace()` read and rewrite that block in an RFC's
text and never touch a character outside it. The markers are HTML comments, so the rendered RFC
does not show them and the Markdown source does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from decisions.records.matrix import Matrix, Row

END_MARKER = "<!-- end generated -->"
SECTION = "Rationale and alternatives"
# A marker is a line of its own; the lookahead leaves a CRLF's \r outside the block.
_START = re.compile(r"^<!-- generated from decision (?P<number>\d+):[^\n]*?-->[ \t]*(?=\r?$)", re.MULTILINE)
_END = re.compile(r"^<!-- end generated -->[ \t]*(?=\r?$)", re.MULTILINE)


def start_marker(number: int) -> str:
    return (
        f"<!-- generated from decision {number}: do not edit; the site rewrites this block when "
        f"DR-{number:04d}'s matrix changes. Write your own text above or below it. -->"
    )


_CODE = re.compile(r"(`+)(?:.+?)(?<!`)\1(?!`)")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("<", "\\<").replace("&", "\\&").replace("-->", "--\\>")


def _inline(text: str, *, cell: bool = False) -> str:
    """Short text (a name, a note) as one line of inline Markdown: typed `<` and `&` stay text
    (as on the decision page; code spans are left as typed, where a backslash would show), and
    nothing can open a comment or close a table cell."""
    text = " ".join(text.split())
    out, at = [], 0
    for code in _CODE.finditer(text):
        out += [_escape(text[at : code.start()]), code.group(0)]
        at = code.end()
    out.append(_escape(text[at:]))
    text = "".join(out)
    return text.replace("|", "\\|") if cell else text


def _signed(value: int) -> str:
    return f"{value:+d}"


def _leader(matrix: Matrix) -> Row | None:
    """The chosen option, or while nothing is chosen the option with the highest total."""
    if matrix.chosen is not None:
        return matrix.chosen
    ranked = sorted(matrix.rows, key=lambda row: row.rank)
    return ranked[0] if ranked and any(cell.rated for cell in ranked[0].cells) else None


def _reasons(row: Row) -> list[str]:
    lines = []
    for kind, cells in (("Pro", row.pros), ("Con", row.cons)):
        for cell in cells:
            note = f": {_inline(cell.note)}" if cell.note else ""
            lines.append(
                f"- {kind}: {_inline(cell.criterion.name)} (weight {cell.criterion.weight}, "
                f"{cell.label.lower()}, {_signed(cell.weighted)}){note}"
            )
    return lines or ["- No pros or cons rated yet."]


def generate(matrix: Matrix, decision_url: str) -> str:
    """The Markdown between the markers: criteria and weights, each option's weighted total and
    rank, the chosen option (or the leader while none is), and every option's pros and cons."""
    decision = matrix.decision
    link = f"[DR-{decision.number:04d}: {_inline(decision.title)}]({decision_url})"
    out = [f"Generated from {link}. The options were weighed against {len(matrix.criteria)} "
           f"criteria; ratings run from −2 to +2, times the criterion's weight."]  # fmt: skip
    if not matrix.rows or not matrix.criteria:
        out += ["", "The decision has no options matrix yet."]
        return "\n".join(out)
    out += ["", "| Criterion | Weight |", "| --- | ---: |"]
    out += [f"| {_inline(c.name, cell=True)} | {c.weight} |" for c in matrix.criteria]
    out += ["", "| Option | Total | Rank |", "| --- | ---: | ---: |"]
    for row in sorted(matrix.rows, key=lambda row: (row.rank, row.option.order)):
        name = _inline(row.option.name, cell=True)
        out.append(
            f"| {f'**{name}** (chosen)' if row.chosen else name} | {_signed(row.total)} | {row.rank} |"
        )
    out.append("")
    out.append(f"The best possible total is {_signed(matrix.max_total)}.")
    if not matrix.complete:
        out.append("Some cells are not rated yet; they count as neutral.")
    leader = _leader(matrix)
    out.append("")
    if matrix.chosen is not None:
        out.append(f"**Chosen: {_inline(matrix.chosen.option.name)}** (weighted total "
                   f"{_signed(matrix.chosen.total)}, rank {matrix.chosen.rank} of {len(matrix.rows)}).")  # fmt: skip
    elif leader is not None:
        out.append(f"No option is chosen yet; **{_inline(leader.option.name)}** leads with "
                   f"{_signed(leader.total)}.")  # fmt: skip
    else:
        out.append("No option is chosen yet, and none is rated.")
    if leader is not None:
        if leader.option.summary:
            out += ["", _inline(leader.option.summary)]
        out += ["", *_reasons(leader)]
    others = [row for row in matrix.rows if row is not leader]
    if others:
        out += ["", "## Alternatives" if matrix.chosen is not None else "## Other options"]
    for row in others:
        out += ["", f"### {_inline(row.option.name)} ({_signed(row.total)})"]
        if row.option.summary:
            out += ["", _inline(row.option.summary)]
        out += ["", *_reasons(row)]
        reason = matrix.why_not(row) if matrix.chosen is not None else ""
        if reason:
            out += ["", f"Why not chosen: {_inline(reason)}"]
    return "\n".join(out)


def wrap(number: int, inner: str, newline: str = "\n") -> str:
    """The whole block, markers included."""
    text = f"{start_marker(number)}\n\n{inner.strip()}\n\n{END_MARKER}"
    return text.replace("\n", newline)


@dataclass(frozen=True)
class Found:
    """Where the block is in a text: `start`..`end` covers both markers; `inner` is between them."""

    number: int
    start: int
    end: int
    inner: str


def find(text: str) -> Found | None:
    """The first generated block in `text`, or None when a marker is missing."""
    start = _START.search(text)
    if start is None:
        return None
    end = _END.search(text, start.end())
    if end is None:
        return None
    return Found(int(start["number"]), start.start(), end.end(), text[start.end() : end.start()])


def same(one: str, other: str) -> bool:
    """Whether two blocks say the same, whatever the line endings and the blank lines around them
    (a browser sends a textarea back with CRLF)."""
    return normalise(one) == normalise(other)


def normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().split("\n"))


def replace(text: str, found: Found, inner: str) -> str:
    """`text` with the block's inside replaced by `inner`; everything outside is kept as it was."""
    newline = "\r\n" if "\r\n" in text else "\n"
    return text[: found.start] + wrap(found.number, inner, newline) + text[found.end :]


def with_block(body: str, number: int, inner: str) -> str:
    """A layout's text with the block under its "Rationale and alternatives" heading (its prompt
    kept above the block), or as a last section when the layout has none."""
    block = wrap(number, inner)
    heading = re.search(rf"^#+ {re.escape(SECTION)}[ \t]*$", body, re.MULTILINE)
    if heading is None:
        return f"{body.rstrip()}\n\n# {SECTION}\n\n{block}\n"
    following = re.search(r"^#", body[heading.end() :], re.MULTILINE)
    cut = heading.end() + following.start() if following else len(body)
    section = body[heading.end() : cut].rstrip()
    return f"{body[: heading.end()]}{section}\n\n{block}\n\n{body[cut:]}".rstrip() + "\n"
