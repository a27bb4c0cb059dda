"""Importing RFC files into the site: import_rfcs and the RFCImportReport it returns."""

from __future__ import annotations

from decisions.rfcs.importing.report import RFCImportReport
from decisions.rfcs.importing.run import import_rfcs

__all__ = ["RFCImportReport", "import_rfcs"]
