"""Tirek: the Flask application factory.

flask --app app run                 # the app on the content in this repository
gunicorn "app:create_app()"         # production (see gunicorn.conf.py)
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from flask import Flask
from flask_babel import Babel, format_date
from werkzeug.exceptions import HTTPException

from tirek import assets, i18n, offline, rendered, security, signing
from tirek.config import load_config
from tirek.content import ContentError, load_site
from tirek.search_index import build_indexes
from tirek.urls import link_index_files, template_helpers
from tirek.views import LanguageConverter, not_found, pages, server_error


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, static_folder=None)
    app.url_map.converters["lang"] = LanguageConverter
    app.config.update(load_config(test_config))

    if not app.config["BUILD_DIR"]:
        app.config["BUILD_DIR"] = tempfile.mkdtemp(prefix="tirek-build-")
        atexit.register(_remove_build_dir, app.config["BUILD_DIR"], os.getpid())
    build_dir = Path(app.config["BUILD_DIR"])

    site = load_site(app.config["RESOURCES_DIR"])
    if site.problems:
        raise ContentError(site.problems)
    if app.config["LINK_INDEX_FILES"]:
        link_index_files(site)
    app.extensions["tirek_site"] = site
    app.extensions["tirek_public_key"] = signing.configured_public_key(app.config)

    translations = i18n.compile_catalogs(i18n.TRANSLATIONS_DIR, build_dir)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(translations)
    app.config["BABEL_DEFAULT_LOCALE"] = i18n.DEFAULT_LANGUAGE
    Babel(app, locale_selector=i18n.url_language)
    i18n.escape_translations(app.jinja_env)

    app.config["ASSET_MANIFEST"] = assets.build_assets(assets.STATIC_DIR, build_dir)
    assets.wrap_with_whitenoise(app, build_dir)
    security.guard_every_response(app)
    rendered.keep_pages(app)  # filled by offline.prepare, which renders every page once
    security.quiet_request_logs()

    app.register_blueprint(pages)
    app.register_blueprint(offline.offline)
    app.register_error_handler(404, not_found)
    # HTTP errors other than 404 keep Werkzeug's answer; the catch-all below is for real failures.
    app.register_error_handler(HTTPException, lambda error: error)
    app.register_error_handler(Exception, server_error)
    app.jinja_env.globals.update(
        template_helpers(), format_date=format_date, format_source_date=i18n.format_source_date
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.extensions["tirek_search"] = build_indexes(app, site)
    # The export renders its copy with a second app from this factory (links ending in index.html).
    app.extensions["tirek_factory"] = create_app
    offline.prepare(app)
    return app


def _remove_build_dir(path: str, creator_pid: int) -> None:
    # Gunicorn workers are forked from the process that built this folder and run its exit
    # handlers too: only the creator may delete it, or one recycled worker breaks the others.
    if os.getpid() == creator_pid:
        shutil.rmtree(path, ignore_errors=True)
