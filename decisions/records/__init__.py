"""Decision records: the options matrix, their pages, and their Markdown export and import."""
