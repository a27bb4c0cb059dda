"""RFCs, meeting notes and decision records: the one Django app, one room per kind of record."""
