"""gunicorn's settings for casework; `gunicorn wsgi:app` run from this folder reads them.

The access log names the path only: no query string (search terms are names and dates of
birth) and no referrer (which carries the previous page's query string).
"""
bind = "127.0.0.1:8000"
workers = 4
timeout = 30
accesslog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'
