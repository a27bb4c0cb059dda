"""Every model of the app, importable from one place; each is defined in the room of its kind.

Django loads this module for the `decisions` app, so importing the rooms here registers their
models under the same app label (no migration moves). Receivers are connected in apps.ready().
"""

from __future__ import annotations

from decisions.accounts.models import ClaimStatus, Handle, PersonClaim
from decisions.concurrency import VersionedMixin
from decisions.markdown.fields import MarkdownFieldsMixin
from decisions.meetings.models import (
    ActionItem,
    ActionItemQuerySet,
    ActionItemStatus,
    Meeting,
    MeetingLink,
    MeetingQuerySet,
    MeetingSeries,
    Remark,
    Topic,
)
from decisions.people.models import Area, Person, unique_slug
from decisions.precedents.models import Precedent, PrecedentKind
from decisions.records.models import (
    RATING_MAX,
    RATING_MIN,
    WEIGHT_MAX,
    WEIGHT_MIN,
    Assessment,
    Criterion,
    Decision,
    DecisionMeeting,
    DecisionOwner,
    DecisionPrecedent,
    DecisionQuerySet,
    DecisionRevision,
    DecisionStatus,
    DecisionStatusChange,
    Option,
    OwnerRole,
    PendingReference,
    Rating,
    ReferenceKind,
)
from decisions.rfcs.models import (
    REFERENCE,
    RFC,
    SERIES_LABEL_FORMAT,
    RFCAlias,
    RFCNumberCounter,
    RFCQuerySet,
    RFCRevision,
    RFCSeries,
    RFCStatus,
    RFCStatusChange,
    parse_reference,
)
from decisions.search.models import SearchEntry, SearchKind
from decisions.sources.models import Holds, HookDelivery, RecordIn, RecordKind, Source, SourceFile
from decisions.sources.runs import SyncConflict, SyncRun

__all__ = [
    "RATING_MAX",
    "RATING_MIN",
    "REFERENCE",
    "RFC",
    "SERIES_LABEL_FORMAT",
    "WEIGHT_MAX",
    "WEIGHT_MIN",
    "ActionItem",
    "ActionItemQuerySet",
    "ActionItemStatus",
    "Area",
    "Assessment",
    "ClaimStatus",
    "Criterion",
    "Decision",
    "DecisionMeeting",
    "DecisionOwner",
    "DecisionPrecedent",
    "DecisionQuerySet",
    "DecisionRevision",
    "DecisionStatus",
    "DecisionStatusChange",
    "Handle",
    "Holds",
    "HookDelivery",
    "MarkdownFieldsMixin",
    "Meeting",
    "MeetingLink",
    "MeetingQuerySet",
    "MeetingSeries",
    "Option",
    "OwnerRole",
    "PendingReference",
    "Person",
    "PersonClaim",
    "Precedent",
    "PrecedentKind",
    "RFCAlias",
    "RFCNumberCounter",
    "RFCQuerySet",
    "RFCRevision",
    "RFCSeries",
    "RFCStatus",
    "RFCStatusChange",
    "Rating",
    "RecordIn",
    "RecordKind",
    "ReferenceKind",
    "Remark",
    "SearchEntry",
    "SearchKind",
    "Source",
    "SourceFile",
    "SyncConflict",
    "SyncRun",
    "Topic",
    "VersionedMixin",
    "parse_reference",
    "unique_slug",
]
