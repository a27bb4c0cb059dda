"""The section layouts a new RFC starts from: the site's own, the Bytecode Alliance's (full and
early draft, as in bytecodealliance/rfcs) and rust-lang/rfcs' 0000-template.md.

Each layout keeps its project's headings; the prompts under them are this site's own words.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Layout:
    key: str
    label: str
    description: str
    sections: tuple[tuple[str, str], ...]

    @property
    def body(self) -> str:
        """The Markdown a new RFC starts with: each heading and what to write under it."""
        return "\n".join(f"# {heading}\n\n{prompt}\n" for heading, prompt in self.sections)


LAYOUTS: dict[str, Layout] = {
    layout.key: layout
    for layout in (
        Layout(
            "site",
            "This site's RFC",
            "The sections of this project's RFCs: a proposal, its drawbacks and the alternatives.",
            (
                ("Summary", "One paragraph: what this RFC proposes."),
                ("Motivation", "The problem, who has it, and what happens if nothing changes."),
                (
                    "Proposal",
                    "The design, in enough detail for the people it affects to judge it. "
                    "Split it into `##` sections as it grows.",
                ),
                ("Drawbacks", "What this costs: work, complexity, compatibility, people's time."),
                ("Rationale and alternatives", "The other designs considered, and why this one."),
                (
                    "Open questions",
                    "What must be settled before this RFC is accepted, and what during the work.",
                ),
            ),
        ),
        Layout(
            "bytecodealliance",
            "Bytecode Alliance: full proposal",
            "For a fleshed-out proposal that seeks consensus (bytecodealliance/rfcs, template-full.md).",
            (
                ("Summary", "One paragraph explaining the proposal."),
                (
                    "Motivation",
                    "Why are we doing this? What use cases does it support? What is the expected outcome?",
                ),
                (
                    "Proposal",
                    "The proposal in enough detail to build consensus on the main design questions "
                    "and how they affect the people involved; details are settled in implementation review.",
                ),
                ("Rationale and alternatives", "Which other designs were considered, and why this one?"),
                (
                    "Open questions",
                    "- What do you expect to resolve through this RFC before it is merged?\n"
                    "- What do you expect to resolve during implementation, after it is accepted?",
                ),
            ),
        ),
        Layout(
            "bytecodealliance-draft",
            "Bytecode Alliance: early draft",
            "For early ideas that seek input (bytecodealliance/rfcs, template-draft.md).",
            (
                ("Summary", "One paragraph explaining the idea."),
                (
                    "Motivation",
                    "Why are we doing this? What use cases does it support? What is the expected outcome?",
                ),
                (
                    "Proposal sketch",
                    "At least a sketch of how to address the problem above, so the discussion "
                    "starts from something concrete.",
                ),
                ("Open questions", "What do you hope early feedback settles before a full RFC?"),
            ),
        ),
        Layout(
            "rust",
            "rust-lang/rfcs",
            "The sections of Rust's 0000-template.md, for a change explained to users and implementers.",
            (
                ("Summary", "One paragraph explanation of the feature."),
                (
                    "Motivation",
                    "Why are we doing this? What use cases does it support? What is the expected outcome?",
                ),
                (
                    "Guide-level explanation",
                    "Explain the proposal as if it were already in place and you were teaching it: "
                    "new names and concepts, examples, and how people should think about it.",
                ),
                (
                    "Reference-level explanation",
                    "The technical part: how it interacts with what exists, how it is implemented, "
                    "and the corner cases, in enough detail to build it.",
                ),
                ("Drawbacks", "Why should we *not* do this?"),
                (
                    "Rationale and alternatives",
                    "Why is this design the best of those possible? What others were considered, "
                    "and what is the impact of not doing this?",
                ),
                (
                    "Prior art",
                    "What other projects and papers did here, good and bad, and what we learn from them.",
                ),
                (
                    "Unresolved questions",
                    "What should be resolved before merging, and what during implementation?",
                ),
                ("Future possibilities", "Natural extensions of this proposal, and how it could evolve."),
            ),
        ),
    )
}

DEFAULT_LAYOUT = "site"


def is_untouched(text: str) -> bool:
    """Whether the text is still one of the layouts as given (or empty): safe to replace."""
    normalised = text.replace("\r\n", "\n").strip()
    return not normalised or any(normalised == layout.body.strip() for layout in LAYOUTS.values())
