"""Registers every room's admin: Django's autodiscovery imports this module, and it imports them.

Staff manage every model there, with search, filters and inlines for the nested parts; each
room's admin.py holds its own.
"""

from __future__ import annotations

from decisions.accounts import admin as accounts
from decisions.drafted import admin as drafted
from decisions.graph import admin as graph
from decisions.meetings import admin as meetings
from decisions.people import admin as people
from decisions.precedents import admin as precedents
from decisions.records import admin as records
from decisions.rfcs import admin as rfcs
from decisions.signoff import admin as signoff
from decisions.sources import admin as sources

__all__ = [
    "accounts",
    "drafted",
    "graph",
    "meetings",
    "people",
    "precedents",
    "records",
    "rfcs",
    "signoff",
    "sources",
]
