"""The read-only JSON API's shared plumbing and its documentation page; each room's api.py holds
its own serializers and endpoints."""
