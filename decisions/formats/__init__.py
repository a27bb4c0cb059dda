"""Formats every kind of record shares: dates as people write them (and YAML and front matter)."""
