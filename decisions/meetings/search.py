"""A meeting as the search index stores it: title, what it discussed, then its notes.

Its topics and remarks are part of its text: saving or deleting one rewrites the meeting's entry,
unless (for a new one) the notes already say all it says.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model, Prefetch, QuerySet

from decisions.meetings.models import Meeting, Remark, Topic
from decisions.search import text
from decisions.search.documents import Document, Part, Searchable
from decisions.search.models import SearchKind


def meeting_document(
    meeting: Meeting, topics: Iterable[tuple[str, str]], remarks: Iterable[tuple[str, str]]
) -> Document:
    """Title, then agenda and topic titles, then the notes as submitted.

    Topics and remarks count only for what the notes do not already say: a meeting imported from
    notes has them all in its source (its headings are its topics), one made by hand has none.
    So saving the topics of imported notes one by one leaves the document as it was.
    """
    blocks = text.blocks_of(text.rendered(meeting, "source_text"))
    said = _notes_say(meeting)
    titles, parts = [], []
    for title, body_html in topics:
        titles.append(title)
        parts.append(text.plain(body_html))
    parts += [_remark_text(speaker, text.plain(text_html)) for speaker, text_html in remarks]
    unsaid = [part for part in titles + parts if part and " ".join(part.split()) not in said]
    return Document(
        SearchKind.MEETING,
        meeting.pk,
        meeting.title,
        text.join(
            text.plain(text.rendered(meeting, "agenda")),
            *(line for level, line in blocks if level and not _generic_heading(line, meeting)),
            *(title for title in titles if title in unsaid),
        ),
        text.join(*(line for _, line in blocks), *(part for part in parts if part in unsaid)),
        meeting.get_absolute_url(),
        meeting.date,
    )


_GENERIC_HEADINGS = {
    "attendees",
    "attendance",
    "present",
    "agenda",
    "notes",
    "minutes",
    "action items",
    "links",
}


def _generic_heading(heading: str, meeting: Meeting) -> bool:
    """Headings every set of notes has ("Attendees", the call's name): not what it discussed."""
    heading = heading.rstrip(":").casefold()
    return heading in _GENERIC_HEADINGS or heading in meeting.title.casefold()


def _remark_text(speaker: str, said: str) -> str:
    return f"{speaker}: {said}" if speaker and said else said


def _notes_say(meeting: Meeting) -> str:
    return " ".join(line for _, line in text.blocks_of(text.rendered(meeting, "source_text")))


def _document(meeting: Meeting, using: str | None) -> Document:
    topics = Topic.objects.using(using).filter(meeting=meeting).order_by("order")
    remarks = Remark.objects.using(using).filter(topic__meeting=meeting).order_by("topic__order", "order")
    return meeting_document(
        meeting, topics.values_list("title", "body_html"), remarks.values_list("speaker_name", "text_html")
    )


def _everything(using: str | None) -> QuerySet:
    remarks = Prefetch("remarks", queryset=Remark.objects.order_by("order"))
    topics = Prefetch("topics", queryset=Topic.objects.order_by("order").prefetch_related(remarks))
    return Meeting.objects.using(using).order_by("pk").prefetch_related(topics)


def _build(meeting: Meeting) -> Document:
    return meeting_document(
        meeting,
        [(topic.title, topic.body_html) for topic in meeting.topics.all()],
        [(r.speaker_name, r.text_html) for topic in meeting.topics.all() for r in topic.remarks.all()],
    )


def _adds_nothing(part: Model) -> bool:
    """Whether a new topic or remark only repeats its meeting's notes, so the entry stays as it is.

    Answered only from the objects in memory (the importer saves each topic with the meeting it
    has just saved), so it costs no query; any other case takes the long way through index().
    """
    if isinstance(part, Remark):
        if not Remark.topic.is_cached(part):
            return False
        topic, texts = part.topic, [_remark_text(part.speaker_name, text.plain(text.rendered(part, "text")))]
    elif isinstance(part, Topic):
        topic, texts = part, [part.title, text.plain(text.rendered(part, "body"))]
    else:
        return False
    if not Topic.meeting.is_cached(topic) or topic.meeting is None:
        return False
    said = _notes_say(topic.meeting)
    return all(" ".join(piece.split()) in said for piece in texts if piece)


def _meeting_of_topic(topic: Model, using: str | None) -> Meeting | None:
    return Meeting.objects.using(using).filter(pk=topic.meeting_id).first()


def _meeting_of_remark(remark: Model, using: str | None) -> Meeting | None:
    return Meeting.objects.using(using).filter(topics=remark.topic_id).first()


SEARCHABLE = Searchable(
    kind=SearchKind.MEETING,
    model=Meeting,
    reads=frozenset({"title", "date", "agenda", "agenda_html", "source_text", "source_html"}),
    document=_document,
    everything=_everything,
    build=_build,
    parts=(
        Part(
            model=Topic,
            reads=frozenset({"title", "body", "body_html", "order", "meeting", "meeting_id"}),
            record=_meeting_of_topic,
            group=lambda topic: topic.meeting_id,
            adds_nothing=_adds_nothing,
        ),
        Part(
            model=Remark,
            reads=frozenset({"text", "text_html", "speaker_name", "order", "topic", "topic_id"}),
            record=_meeting_of_remark,
            group=lambda remark: remark.topic_id,
            adds_nothing=_adds_nothing,
        ),
    ),
)
