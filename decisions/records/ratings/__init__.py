"""Independent ratings of a decision's options matrix: blind sheets, reveal, spread, consensus."""
