"""Reading the files other people put in a folder: the importers' only way in."""
