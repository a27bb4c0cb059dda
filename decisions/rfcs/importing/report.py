"""What an RFC import did: RFCImportReport, as the command prints it and as JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from decisions.models import RFC
from decisions.rfcs.parsing import ParsedRFC


@dataclass
class RFCImportReport:
    imported: list[str] = field(default_factory=list)  # labels of new RFCs
    updated: list[str] = field(default_factory=list)  # labels of RFCs whose text or metadata changed
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (path, reason) not read at all
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (path, message)
    formats: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    dry_run: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "imported": len(self.imported),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "failed": [{"path": path, "error": error} for path, error in self.failed],
            "refused": [{"path": path, "reason": reason} for path, reason in self.refused],
            "warnings": [{"path": path, "message": message} for path, message in self.warnings],
            "formats": self.formats,
            "seconds": round(self.seconds, 2),
            "dry_run": self.dry_run,
        }

    def record(self, parsed: ParsedRFC, rfc: RFC, outcome: str) -> None:
        self.formats[parsed.format] = self.formats.get(parsed.format, 0) + 1
        getattr(self, outcome).append(rfc.label)
