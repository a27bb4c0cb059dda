"""`make bench` and `make bench-http` (DESIGN.md section 8): seed a throwaway database, time the pages."""
