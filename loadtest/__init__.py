"""`make loadtest`: two gunicorn servers on one PostgreSQL database under Locust (see run.py)."""
