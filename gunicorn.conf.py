"""Gunicorn settings; `gunicorn "app:create_app()"` run from this folder reads them itself.

No access log: a line per request would record which address read which page. Override the
number of workers with WEB_CONCURRENCY and the address with --bind (default 127.0.0.1:8000,
or 0.0.0.0:$PORT when PORT is set).
"""

import multiprocessing
import os
import re

from gunicorn.glogging import Logger

wsgi_app = "app:create_app()"

# Load the content once in the master; workers share it and a content error stops start-up.
preload_app = True
workers = int(os.environ.get("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 8)))
# Threads keep a worker free while a slow phone on mobile data downloads a page.
worker_class = "gthread"
threads = 4
timeout = 30

accesslog = None
errorlog = "-"
loglevel = "info"


class NoClientAddressLogger(Logger):
    """Gunicorn's logger without access lines, and without the address in its error lines."""

    CLIENT_ADDRESS = re.compile(r"\bip=(?:\S*?(?=: )|\S+)")

    def access(self, resp, req, environ, request_time):
        pass  # even if someone passes --access-logfile

    def warning(self, msg, *args, **kwargs):
        # "Invalid request from ip=<address>: ..." is the one error line that names a client.
        super().warning(self.CLIENT_ADDRESS.sub("ip=[not logged]", str(msg)), *args, **kwargs)


logger_class = NoClientAddressLogger
