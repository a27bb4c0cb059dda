"""Readers for the formats people hand us: meeting notes today, RFC corpora next (DESIGN.md 1).

Every parser here is a pure function from text to dataclasses: no database access, so the web
preview, the import commands and the tests all see the same result.
"""
