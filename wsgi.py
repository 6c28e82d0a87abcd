"""WSGI entry point: `gunicorn wsgi:app`.

Behind a TLS reverse proxy set CASEWORK_PROXY_HOPS=1 (the number of proxies in front), so the
client address (login limits, audit) and the https scheme (Secure cookies, HSTS) are taken
from the proxy's X-Forwarded-For / X-Forwarded-Proto headers.
"""
import os

from casework import create_app

app = create_app()

_hops = int(os.environ.get("CASEWORK_PROXY_HOPS", "0") or 0)
if _hops:
    from werkzeug.middleware.proxy_fix import ProxyFix

    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=_hops, x_proto=_hops, x_host=_hops)
