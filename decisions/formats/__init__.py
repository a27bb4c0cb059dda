"""Formats every importer and exporter shares: YAML, front matter and dates as people write them."""
