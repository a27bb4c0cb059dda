"""Formats shared by every importer and exporter: YAML and front matter."""
