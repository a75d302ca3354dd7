"""Gunicorn settings; `gunicorn "app:create_app()"` run from this folder reads them itself.

No access log: a line per request would record which address read which page. Override the
number of workers with WEB_CONCURRENCY and the address with --bind (default 127.0.0.1:8000,
or 0.0.0.0:$PORT when PORT is set).

Gunicorn answers malformed requests itself (400, 414, 431), before the app sees them, so those
answers carry none of the app's security headers: run it behind the reverse proxy in
docs/deploy.md, which adds them to every answer.
"""

import multiprocessing
import os
import re

import gunicorn.http.wsgi
from gunicorn.glogging import Logger

wsgi_app = "app:create_app()"

# Load the content once in the master; workers share it and a content error stops start-up.
preload_app = True
workers = int(os.environ.get("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 8)))
# Threads keep a worker free while a slow phone on mobile data downloads a page.
worker_class = "gthread"
threads = 4
timeout = 30

# No page address is longer than about 100 characters, and no page needs a query string; a
# browser sends a dozen headers of a few hundred bytes. Far more is not a reader: 414 or 431.
limit_request_line = 2048
limit_request_fields = 40
limit_request_field_size = 4096

# Gunicorn 27 opens a control socket in the home folder for its admin tool; nothing here uses it.
control_socket_disable = True

accesslog = None
errorlog = "-"
loglevel = "info"

# Gunicorn names itself in a Server header on every answer and has no setting for it.
gunicorn.http.wsgi.SERVER = ""


def pre_request(worker, req):
    """Gunicorn's default logs each request's method and path (at debug level): not here."""


class NoClientAddressLogger(Logger):
    """Gunicorn's logger without access lines, and without addresses or request lines in its errors."""

    def access(self, resp, req, environ, request_time):
        pass  # even if someone passes --access-logfile

    def warning(self, msg, *args, **kwargs):
        # "Invalid request from ip=<address>: Invalid HTTP request line: 'GET /?q=…'": the error
        # quotes the request line or a header. Only the kind of error is kept.
        if str(msg).startswith("Invalid request from"):
            error = str(msg).split(": ", 1)[-1]
            msg, args = "Invalid request: %s", (re.split(r"[:'\"]", error, maxsplit=1)[0].strip(),)
        super().warning(msg, *args, **kwargs)

    def exception(self, msg, *args, **kwargs):
        # "Error handling request GET /the/path?query": the traceback is kept, the request is not.
        if str(msg).startswith("Error handling request"):
            msg, args = "Error handling request (its address is not logged)", ()
        super().exception(msg, *args, **kwargs)


logger_class = NoClientAddressLogger
