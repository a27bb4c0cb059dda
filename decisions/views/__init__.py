"""Views by area: pages.py reads; records.py and precedents.py write (login required)."""
