"""Meeting notes: series, meetings, topics, remarks, action items and their importer."""
