"""RFCs drafted from a decision record: the generated "Rationale and alternatives" block, kept in sync."""
