"""Management commands and the base they share."""
