"""People, areas, and matching the names notes and headers use to people."""
