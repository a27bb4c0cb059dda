"""The site's management commands (import, export, render, rebuild)."""
