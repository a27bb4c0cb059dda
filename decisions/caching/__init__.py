"""The page caches' machinery: the data state whole pages are keyed by, and the UNION ALL loader."""

from __future__ import annotations
