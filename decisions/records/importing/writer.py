"""Checked decision records into the database: rows matched or created, links kept or left pending."""

from __future__ import annotations

from django.db.models import Q
from django.utils.text import slugify

from decisions.models import (
    RFC,
    ActionItem,
    Area,
    Assessment,
    Criterion,
    Decision,
    DecisionMeeting,
    DecisionOwner,
    DecisionPrecedent,
    DecisionStatusChange,
    Meeting,
    Option,
    PendingReference,
    Person,
    Precedent,
    ReferenceKind,
    Topic,
    parse_reference,
)
from decisions.records.export.data import rfc_label
from decisions.records.importing.report import ImportReport, Problem, Unresolved
from decisions.records.specs import PrecedentSpec, RecordSpec
from decisions.rfcs.export import rfc_reference_value
from decisions.signoff.transfer import restore as restore_signoff


class WriteProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def render_texts(record: RecordSpec, rendered: dict[str, str]) -> None:
    """Add the HTML of the record's Markdown texts to `rendered`, before the import's transaction.

    With SQLite's IMMEDIATE transactions that holds the write lock from its start, and rendering
    inside it made every other writer fail with "database is locked". Decisions and options
    render their fields alike (Markdown, no mention links), so one text has one HTML.
    """
    texts = (
        record.context,
        record.rationale,
        record.consequences,
        record.confirmation,
        record.more_information,
    )
    for text in (*texts, *(o.summary for o in record.options)):
        if text not in rendered:
            rendered[text] = Decision(context=text).render_field("context").html


class Writer:
    """Saves checked records; looks existing rows up once for the whole import."""

    def __init__(self, records: list[RecordSpec], report: ImportReport, rendered: dict[str, str]) -> None:
        self.report = report
        self.rendered = rendered
        self.decisions = {
            d.number: d for d in Decision.objects.filter(number__in=[r.number for r in records])
        }
        self.people: list[Person] = list(Person.objects.only("id", "name", "slug", "aliases"))
        self.people_by_slug = {person.slug: person for person in self.people}
        self.people_by_name: dict[str, Person] = {}
        for person in reversed(self.people):
            for name in (person.name, *[a for a in person.aliases if isinstance(a, str)]):
                self.people_by_name[name.casefold()] = person
        self.areas = {area.slug: area for area in Area.objects.all()}
        self.precedents = list(Precedent.objects.only("id", "url", "slug", "title"))
        wanted = Q()
        for value in {n for record in records for n in record.related_rfcs}:
            series, number = parse_reference(str(value)) or ("", 0)
            wanted |= Q(series=series, number=number)
        self.rfcs: dict[int | str, int] = (
            {
                rfc_reference_value(series, number): pk
                for series, number, pk in RFC.objects.filter(wanted).values_list("series", "number", "id")
            }
            if wanted
            else {}
        )
        self.meetings = self._meetings(records)

    @staticmethod
    def _meetings(records: list[RecordSpec]) -> dict[str, list[tuple[Meeting, dict[str, int]]]]:
        specs = [spec for record in records for spec in record.meetings]
        found: dict[str, list[tuple[Meeting, dict[str, int]]]] = {}
        if not specs:
            return found
        meetings = (
            Meeting.objects.filter(
                date__in={spec.date for spec in specs}, series__slug__in={spec.series for spec in specs}
            )
            .select_related("series")
            .only("id", "date", "series__slug")
            .order_by("pk")
        )
        topics: dict[int, dict[str, int]] = {}
        for meeting_id, title, topic_id in Topic.objects.filter(meeting__in=meetings).values_list(
            "meeting_id", "title", "id"
        ):
            topics.setdefault(meeting_id, {}).setdefault(title, topic_id)
        for meeting in meetings:
            key = f"{meeting.date:%Y-%m-%d}/{meeting.series.slug}"
            found.setdefault(key, []).append((meeting, topics.get(meeting.pk, {})))
        return found

    def person(self, name: str, slug: str = "") -> Person:
        person = (self.people_by_slug.get(slug) if slug else None) or self.people_by_name.get(name.casefold())
        if person:
            if person.slug not in self.report.people_created:
                self.report.note(self.report.people_matched, person.slug)
            return person
        person = Person(name=name, slug=slug)
        person.save()
        self.people_by_slug[person.slug] = person
        self.people_by_name[name.casefold()] = person
        self.report.note(self.report.people_created, person.slug)
        return person

    def area(self, slug: str) -> Area:
        if slug not in self.areas:
            names = {area.name for area in self.areas.values()}
            name, n = slug, 2
            while name in names:
                name, n = f"{slug}-{n}", n + 1
            self.areas[slug] = Area.objects.create(slug=slug, name=name)
            self.report.note(self.report.areas_created, slug)
        return self.areas[slug]

    def precedent(self, spec: PrecedentSpec) -> Precedent:
        slug, title = slugify(spec.title), spec.title.casefold()
        for test in (
            lambda p: p.url == spec.url,
            lambda p: bool(slug) and p.slug == slug,
            lambda p: p.title.casefold() == title,
        ):
            match = next((p for p in self.precedents if test(p)), None)
            if match:
                if match.url not in self.report.precedents_created:
                    self.report.note(self.report.precedents_matched, match.url)
                return match
        precedent = Precedent(
            title=spec.title, url=spec.url, organization=spec.organization, kind=spec.kind, date=spec.date
        )
        precedent.save()
        self.precedents.append(precedent)
        self.report.note(self.report.precedents_created, precedent.url)
        return precedent

    def take_rendered(self, row: Decision | Option) -> None:
        """Give a row about to be saved the HTML rendered before the transaction: save() only writes."""
        if not row.markdown_is_stale():
            return
        html = [self.rendered.get(getattr(row, name) or "") for name in row.MARKDOWN_FIELDS]
        if None in html:
            return  # a text that was not rendered before: save() renders it
        for html_name, value in zip(row.MARKDOWN_FIELDS.values(), html, strict=True):
            setattr(row, html_name, value)
        row._rendered_sources = {name: getattr(row, name) for name in row.MARKDOWN_FIELDS}

    def pending(
        self, decision: Decision, kind: str, key: str, label: str, topic: str = ""
    ) -> PendingReference:
        self.report.unresolved.append(Unresolved(decision.number, kind, key, label))
        return PendingReference(decision=decision, kind=kind, key=key, label=label, topic=topic)

    def write(self, record: RecordSpec) -> Decision:
        decision = self.decisions.get(record.number)
        if decision is None:
            decision = Decision(number=record.number)
            self.report.created.append(record.number)
        else:
            decision.version += 1
            self.report.updated.append(record.number)
        for name in (
            "title", "status", "decided_on", "context", "rationale", "consequences", "confirmation",
            "more_information", "revisit_by",
        ):  # fmt: skip
            setattr(decision, name, getattr(record, name))
        self.take_rendered(decision)
        decision.save()
        self.decisions[record.number] = decision
        decision.pending_references.all().delete()
        options = self._write_options(decision, record)
        chosen = options[record.chosen].pk if record.chosen else None
        Decision.objects.filter(pk=decision.pk).update(chosen_option_id=chosen)
        decision.chosen_option_id = chosen
        decision.areas.set([self.area(slug) for slug in record.areas])
        self._write_owners(decision, record)
        self._write_links(decision, record)
        self._write_status_history(decision, record)
        self._write_action_items(decision, record)
        return decision

    def restore_signoff(self, records: list[RecordSpec]) -> None:
        """The motions of this site's export, for records that have none yet (also unchanged ones)."""
        for record in records:
            decision = self.decisions.get(record.number)
            if record.signoff and decision is not None:
                restore_signoff(decision, record.signoff, lambda name: self.person(name))

    def _write_options(self, decision: Decision, record: RecordSpec) -> dict[str, Option]:
        existing = {option.name: option for option in decision.options.all()}
        options = {}
        for order, spec in enumerate(record.options, 1):
            option = existing.pop(spec.name, None) or Option(decision=decision, name=spec.name)
            if option.pk is None or (option.summary, option.why_not, option.order) != (
                spec.summary,
                spec.why_not,
                order,
            ):
                option.summary, option.why_not, option.order = spec.summary, spec.why_not, order
                self.take_rendered(option)
                option.save()
            options[spec.name] = option
        Option.objects.filter(pk__in=[option.pk for option in existing.values()]).delete()
        criteria = self._write_criteria(decision, record)
        Assessment.objects.filter(option__decision=decision).delete()
        Assessment.objects.bulk_create(
            Assessment(
                option=options[a.option], criterion=criteria[a.criterion], rating=a.rating, note=a.note
            )
            for a in record.assessments
        )
        return options

    def _write_criteria(self, decision: Decision, record: RecordSpec) -> dict[str, Criterion]:
        existing = {criterion.name: criterion for criterion in decision.criteria.all()}
        new, changed = [], []
        for order, spec in enumerate(record.criteria, 1):
            criterion = existing.pop(spec.name, None)
            if criterion is None:
                new.append(
                    Criterion(
                        decision=decision,
                        name=spec.name,
                        description=spec.description,
                        weight=spec.weight,
                        order=order,
                    )
                )
            elif (criterion.description, criterion.weight, criterion.order) != (
                spec.description,
                spec.weight,
                order,
            ):
                criterion.description, criterion.weight, criterion.order = (
                    spec.description,
                    spec.weight,
                    order,
                )
                changed.append(criterion)
        Criterion.objects.filter(pk__in=[criterion.pk for criterion in existing.values()]).delete()
        Criterion.objects.bulk_update(changed, ["description", "weight", "order"])
        Criterion.objects.bulk_create(new)
        return {criterion.name: criterion for criterion in decision.criteria.all()}

    def _write_owners(self, decision: Decision, record: RecordSpec) -> None:
        DecisionOwner.objects.filter(decision=decision).delete()
        rows, seen = [], set()
        for order, spec in enumerate(record.owners):
            person = self.person(spec.name, spec.slug)
            if (person.pk, spec.role) in seen:
                raise WriteProblem(
                    Problem(record.path, spec.line, f"owners: {person.name} is listed twice as {spec.role}")
                )
            seen.add((person.pk, spec.role))
            rows.append(DecisionOwner(decision=decision, person=person, role=spec.role, order=order))
        DecisionOwner.objects.bulk_create(rows)

    def _write_links(self, decision: Decision, record: RecordSpec) -> None:
        pending = [
            self.pending(decision, ReferenceKind.RFC, str(n), rfc_label(n))
            for n in record.related_rfcs
            if n not in self.rfcs
        ]
        decision.related_rfcs.set([self.rfcs[n] for n in record.related_rfcs if n in self.rfcs])
        DecisionMeeting.objects.filter(decision=decision).delete()
        discussions, pending_keys = [], set()
        for spec in record.meetings:
            candidates = self.meetings.get(spec.key, [])
            match = next(((m, t) for m, t in candidates if not spec.topic or spec.topic in t), None)
            if match:
                meeting, topics = match
                topic_id = topics[spec.topic] if spec.topic else None
                discussions.append(DecisionMeeting(decision=decision, meeting=meeting, topic_id=topic_id))
                continue
            if spec.key in pending_keys:
                raise WriteProblem(
                    Problem(
                        record.path,
                        spec.line,
                        f"meetings: {spec.key} is listed twice and this site does not have it (or the topic) "
                        "yet; a reference kept as written holds one topic per meeting",
                    )
                )
            pending_keys.add(spec.key)
            pending.append(
                self.pending(decision, ReferenceKind.MEETING, spec.key, spec.series_name, spec.topic)
            )
        DecisionMeeting.objects.bulk_create(discussions)
        PendingReference.objects.bulk_create(pending)
        DecisionPrecedent.objects.filter(decision=decision).delete()
        citations, seen = [], set()
        for order, spec in enumerate(record.precedents):
            precedent = self.precedent(spec)
            if precedent.pk in seen:
                raise WriteProblem(
                    Problem(
                        record.path, spec.line, f"precedents: {spec.title!r} is the same precedent as another"
                    )
                )
            seen.add(precedent.pk)
            citations.append(
                DecisionPrecedent(decision=decision, precedent=precedent, note=spec.note, order=order)
            )
        DecisionPrecedent.objects.bulk_create(citations)

    def _write_status_history(self, decision: Decision, record: RecordSpec) -> None:
        existing = list(decision.status_changes.order_by("changed_on", "pk"))
        wanted = [(s.date, s.from_status, s.to_status, s.note) for s in record.status_history]
        # Unchanged history keeps its rows, and with them who made each change.
        if [(s.changed_on, s.from_status, s.to_status, s.note) for s in existing] == wanted:
            return
        DecisionStatusChange.objects.filter(decision=decision).delete()
        DecisionStatusChange.objects.bulk_create(
            DecisionStatusChange(decision=decision, changed_on=d, from_status=f, to_status=t, note=n)
            for d, f, t, n in wanted
        )

    def _write_action_items(self, decision: Decision, record: RecordSpec) -> None:
        existing = list(decision.action_items.select_related("owner").order_by("pk"))
        for spec in record.action_items:
            item = next((item for item in existing if item.text == spec.text), None)
            if item:
                existing.remove(item)
            else:
                item = ActionItem(decision=decision, text=spec.text)
            owner = self.person(spec.owner) if spec.owner else None
            if owner is None or item.owner_id != owner.pk:
                item.owner, item.owner_name = owner, spec.owner
            item.status, item.due_on = spec.status, spec.due
            item.save()
        # Items from meeting notes stay with their meeting; only the link to this record goes.
        ActionItem.objects.filter(pk__in=[i.pk for i in existing if i.meeting_id]).update(decision=None)
        ActionItem.objects.filter(pk__in=[i.pk for i in existing if not i.meeting_id]).delete()

    def link_supersedes(self, records: list[RecordSpec]) -> None:
        """Second pass: a record may supersede one written later in the same import."""
        targets = {r.supersedes for r in records if r.supersedes}
        numbers = dict(Decision.objects.filter(number__in=targets).values_list("number", "id"))
        pending = []
        for record in records:
            decision = self.decisions[record.number]
            target = numbers.get(record.supersedes) if record.supersedes else None
            Decision.objects.filter(pk=decision.pk).update(supersedes_id=target)
            if record.supersedes and target is None:
                n = record.supersedes
                pending.append(self.pending(decision, ReferenceKind.DECISION, str(n), f"DR-{n:04d}"))
        PendingReference.objects.bulk_create(pending)
        # "Superseded by" said only by the older record (adr-tools writes it there): the newer
        # record, stored and saying nothing of its own, takes the link.
        in_folder = {record.number for record in records}
        for record in records:
            later = [n for n in record.superseded_by if n not in in_folder]
            if later:
                Decision.objects.filter(number__in=later, supersedes__isnull=True).update(
                    supersedes_id=self.decisions[record.number].pk
                )
