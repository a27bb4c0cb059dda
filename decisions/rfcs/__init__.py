"""RFCs in their series: parsing, importing, export, pages and API."""
