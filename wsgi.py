"""WSGI entry point: `gunicorn wsgi:app`."""
from casework import create_app

app = create_app()
