"""The Bytecode Alliance meetings corpus (../shared) through the import_meetings function.

Every file must import; a few files from each series and year are checked against what a
person counts when reading them: the title, the topics, who spoke and who must do what.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from decisions.meetings.importing import FolderReport, import_folder
from decisions.models import ActionItem, Meeting, MeetingSeries, Person, Remark
from decisions.people.names import name_key, people_in_label
from tests.conftest import shared_path

pytestmark = [pytest.mark.django_db, pytest.mark.corpus_once]


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker) -> FolderReport:
    """Import the corpus once for the module, and remove what it created afterwards."""
    root = shared_path("corpora", "bytecodealliance-meetings")
    with django_db_blocker.unblock():
        before = {
            model: model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            for model in (Meeting, MeetingSeries, Person)
        }
        report = import_folder(root)
        yield report
        for model in (Meeting, MeetingSeries, Person):
            model.objects.filter(pk__gt=before[model]).delete()


@dataclass(frozen=True)
class Counted:
    path: str
    title: str
    topics: int
    speakers: set[str]
    owners: list[str]  # one entry per action item; "" when it has no owner


# Counted by hand from the files; the notes on the right say what a reader has to decide.
HAND_COUNTED = [
    Counted(
        "wasmtime/2021/wasmtime-08-05.md",
        "August 5 Wasmtime project call",
        6,  # the six ### headings under ## Notes
        {"Till", "Alex", "Andrew", "CF", "Dan", "Chris", "Benjamin", "Johnnie", "Pat"},  # "TIll" is Till
        [],
    ),
    Counted(
        "cranelift/2022/cranelift-04-18.md",
        "April 18 project call",
        3,  # three top-level bullets, each over its discussion (the first is also the agenda's item)
        {"cfallin", "abrown", "fitzgen", "bjorn3", "avanhattum", "jlbirch"},
        # "will be annoying", "will rebase problems go away?" are not promises; "cfallin: going to
        # prioritize meta issues..." is (the labelling guide's "Pat is going to...")
        ["cfallin"],
    ),
    Counted(
        "TSC/2024/tsc-04-02.md",
        "Meeting Minutes — Bytecode Alliance Technical Steering Committee",
        4,  # Topic #1 to #4 ("Adjournment" is the end of the meeting, not a subject)
        {"Till", "Bailey"},  # "TIll provided an update", "Bailey shared that": reported speech
        ["David"],  # **Action Item:** David will update...
    ),
    Counted(
        "archived/sig-registries/2023/2023-05-03.md",
        "May 3, 2023 - SIG Registries meeting",
        4,  # Updates and three "[Name] - Topic" items
        {"Peter", "Danny", "Kristopher", "Calvin", "Luke", "Guy", "Robin"},
        [],
    ),
    Counted(
        "SIG-Documentation/2024/docs-03-13.md",
        "Mar 13 SIG-Documentation Meeting",
        4,  # the opening paragraph, then three **Label:** bullets
        {"David"},  # "David offered to think about it"
        ["Eric", "David"],
    ),
    Counted(
        "SIG-Community/2024/community-06-04.md",
        "June 4 SIG-Community Meeting",
        1,
        {"David", "Karen", "Leon", "Divya", "Justin"},  # "[Karen/David]" is both
        ["Karen", "Divya", "David"],  # "[x] Divya/David to put...": one item each
    ),
    Counted(
        "SIG-Guest-Languages/JavaScript/2025/guest-js-02-19-2025.md",
        "Feb 19, 2025 | JavaScript subgroup (BA Guest Languages SIG)",
        3,  # StarlingMonkey, ComponentizeJS, JCO (the agenda's two items sit under them); "Node WASI
        # subgroup" holds only the template's "notes ... go here"
        {"Tomasz", "Guy", "Till", "Victor", "Calvin"},
        # "will think about this", "Will look to add", "I'll be picking up", and the pairing session
        # Tomasz asked for: "Yup, let's get something scheduled early next week" (nobody's; the
        # first count missed it).
        ["Till", "Guy", "Victor", ""],
    ),
    Counted(
        "SIG-Guest-Languages/Python/2023/guest-python-03-10.md",
        "SIG Guest Languages: Python, March 10, 2023",  # no title: named after series and date
        4,  # the agenda's three items, and the notes under no subject of their own
        {"Joel", "Bret", "Calvin", "Kevin", "Jamey", "Brett Cannon", "Calvin Prewitt"},  # chat: "X says:"
        ["Brett", "Joel", "Kevin"],  # "Brett will join BA Zulip" ...
    ),
    Counted(
        "component-model/2024/component-model-12-04.md",
        "December 04 Component Model Implementation Bi-weekly",
        1,
        {"Till", "Joel", "Dan", "Yosh", "Alex", "Bailey", "Luke", "Victor"},
        [],
    ),
    Counted(
        "wasmtime/2025/wasmtime-06-05.md",
        "June 05 | Wasmtime Project Bi-Weekly",
        5,  # four headings (three are the agenda's items) and the agenda's "Issue Triage"
        {"Alex", "Chris", "Nick", "Joel", "Andrew", "Pat", "Till", "Paul"},
        # "I'll file an issue" twice, "so i will keep" ..., and Nick's "Please comment on the RFC", a
        # request to everyone (nobody's), as the check set's labels count such requests.
        ["Alex", "Alex", "Till", "Till", "Till", ""],
    ),
    Counted(
        "SIG-Packaging/2026/2026-08-19.md",
        "2026 June 15 - SIG-Packaging meeting",  # the title's date is wrong; the file name wins
        5,  # three headings, and the agenda's "Plans for wkg 0.17.0" and "New package" with no notes
        {"Mikhail", "Nick", "Victor"},  # "Nick:" alone over a list of his points
        [],
    ),
    Counted(
        "machine-learning/2024/ML-02-05.md",
        "Wasm+ML Working Group — February 5",
        4,  # the agenda's three items, and one long transcript under none of them
        {"hydai", "Brown, Andrew", "Sun, Mingqiu", "Stuart Schaefer", "Ayako", "MTR", "Matthew"},
        # "we agreed to continue the discussion ... in the next meeting" (the group's, no owner),
        # "So I will make sure...", "I'll send out the notes later."
        ["", "Brown, Andrew", "Brown, Andrew"],
    ),
    Counted(
        "archived/wamr/2024/wamr-07-08.md",
        "WAMR community Meeting Monthly",
        1,  # the notes: "@He, Liang(Intel) shared the roadmap" over sub-bullets is a sentence of them
        set(),
        ["Liang", "Marcin"],
    ),
    Counted(
        "SIG-Debugging/2023/debugging-02-09.md",
        "February 09 SIG-Debugging Meeting",
        6,  # the agenda's four items, "Recurring meeting time:" over its bullets, then the notes
        {"Nick", "Andrew Brown", "Chris F", "Andrew B", "Till", "Ulrich", "Jlbirch", "Luke", "Ralph"},
        [],
    ),
    Counted(
        "SIG-Embedded/2024/06-25-Meeting-notes.md",
        "June 25 SIG-Embedded Meeting — Europe & Asia Pacific Timzone meeting",
        # the agenda's recap and hardware profile, and the notes ("Dominik started a whiteboard
        # session:" over sub-bullets is a sentence of them, as the labelling guide reads it)
        3,
        {"Marcin", "Dominik", "Thomas", "Xin", "Ralph", "Stephen"},  # "Dominik suggested...": reported
        # "Marcin/Dominik to check..." is one item each; "Chairs to have a sync" has no one person
        ["Marcin", "Dominik", "Dominik", "", "Stephen"],
    ),
    Counted(
        "winch/2023/winch-01-31.md",
        "January 31 project call",
        4,  # Updates, two discussions, and the agenda's "Usage of VMOpaqueContext"
        {"Saúl", "Kevin"},
        [],
    ),
    Counted(
        "community/2023/community-01-31.md",
        "January 31 Community stream",
        4,  # an agenda and links, no notes: the agenda's four items are the topics
        set(),
        [],
    ),
]


def test_every_dated_file_of_the_corpus_imports_without_a_failure(corpus):
    assert corpus.failed == []
    assert corpus.imported == 739
    # 42 READMEs and templates, plus two undated files: recording-guidelines.md and the
    # sig-registry-valencia.md note, whose name and text give no date.
    assert len(corpus.skipped) == 44


def test_nearly_every_named_speaker_is_linked_to_a_person(corpus):
    named = Remark.objects.exclude(speaker_name="")
    assert named.filter(speaker__isnull=False).count() >= 0.98 * named.count()


def test_spelling_variants_of_a_name_are_one_person(corpus):
    person = Person.objects.get(name="Till Schneidereit")
    assert "Till Schneiderent" in person.aliases
    assert not Person.objects.filter(name="Till Schneiderent").exists()


def test_the_file_name_dates_a_meeting_whose_title_disagrees(corpus):
    meeting = Meeting.objects.get(source_path="SIG-Packaging/2026/2026-08-19.md")
    assert meeting.date == datetime.date(2026, 8, 19)
    assert meeting.series.name == "SIG Packaging"


@pytest.mark.parametrize("counted", HAND_COUNTED, ids=[c.path.rsplit("/", 1)[-1] for c in HAND_COUNTED])
def test_a_hand_counted_file_has_its_title_topics_speakers_and_action_items(corpus, counted):
    meeting = Meeting.objects.get(source_path=counted.path)
    assert meeting.title == counted.title
    assert meeting.topics.count() == counted.topics
    names = (
        Remark.objects.filter(topic__meeting=meeting)
        .exclude(speaker_name="")
        .values_list("speaker_name", flat=True)
    )
    listed = {name_key(a) for a in counted.speakers}
    assert {name_key(n) for label in names for n in people_in_label(label, listed)} == listed
    owners = ActionItem.objects.filter(meeting=meeting).values_list("owner_name", flat=True)
    assert sorted(owners) == sorted(counted.owners)
