"""The decision graph: how RFCs, decision records, meetings and precedents link to each other."""
