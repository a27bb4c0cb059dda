"""The project: settings, root URLs, WSGI/ASGI and the site-wide middleware."""
