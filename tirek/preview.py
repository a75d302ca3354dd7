"""The volunteers' live preview: the site from the content folder, restarted on every save.

    flask --app tirek.preview run --reload --extra-files "$(ls resources/*/*.md resources/*.yaml | paste -sd: -)"

The same app as ``flask --app app run``, with one difference: a mistake in the content does not
stop it. Until the file is fixed, every address answers with the problems, one
``path:line: message`` a line (the terminal prints them too), and the next save reloads the site.
"""

from __future__ import annotations

import sys

from flask import Flask, Response

from .content import ContentError
from .security import quiet_request_logs

HEADING = "The content has problems. Fix them and save: the preview reloads by itself. Then reload this page."


def create_app() -> Flask:
    from app import create_app as create_site  # app.py, at the root of the repository

    try:
        return create_site()
    except ContentError as error:
        print(error, file=sys.stderr)
        return problems_page([str(problem) for problem in error.problems])


def problems_page(lines: list[str]) -> Flask:
    """An app that answers every address with the problems, as plain text."""
    body = "\n".join([HEADING, "", *lines, ""])
    app = Flask(__name__)
    quiet_request_logs()

    @app.route("/", defaults={"path": ""})
    @app.route("/<path:path>")
    def problems(path: str):
        response = Response(body, 503, mimetype="text/plain")
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    return app
