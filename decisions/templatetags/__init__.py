"""Template filters and tags the pages share."""
