"""`make bench` and `make bench-http`: seed a throwaway database and time the pages (docs/architecture.md)."""
