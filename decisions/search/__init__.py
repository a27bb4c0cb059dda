"""Full-text search over every kind of record: the index rows, the engine and its two backends."""
