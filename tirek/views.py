"""The reader's pages: language choice, home, content pages, contacts, mirrors, 404."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, make_response, redirect, render_template
from flask_babel import force_locale, gettext

from .content import LANGUAGES, SLUG_RE
from .i18n import best_language, url_language
from .urls import LANGUAGE_NAMES, alternates, page_path, relative

pages = Blueprint("pages", __name__)


def site():
    return current_app.extensions["tirek_site"]


def check_language(lang: str) -> None:
    if lang not in LANGUAGES:
        abort(404)


@pages.route("/")
def choose_language():
    response = redirect(relative(page_path(best_language())), code=302)
    response.headers["Vary"] = "Accept-Language"
    return response


@pages.route("/languages/")
def languages():
    return language_chooser(pick=False)


def language_chooser(pick: bool):
    """Links to the three home pages. A static copy has no redirect at its root, so it serves
    this page there with ``pick``: a script then does what the server's redirect does."""
    lang = best_language()
    choices = []
    for code in LANGUAGES:
        with force_locale(code):
            choices.append({"lang": code, "name": LANGUAGE_NAMES[code], "url": relative(page_path(code)),
                            "prompt": gettext("Read in this language"), "heading": gettext("Choose a language")})
    response = make_response(render_template(
        "languages.html", lang=lang, alternates=alternates(lang, None), choices=choices, pick=pick,
    ))
    response.headers["Vary"] = "Accept-Language"
    return response


@pages.route("/<lang>/")
def home(lang: str):
    check_language(lang)
    return render_template(
        "home.html", lang=lang, intro=site().home(lang), topics=site().topics(lang),
        alternates=alternates(lang, None),
    )


@pages.route("/<lang>/contacts/")
def contacts(lang: str):
    check_language(lang)
    entries = site().verified_contacts()
    return render_template(
        "contacts.html", lang=lang, alternates=alternates(lang, "contacts"),
        emergency=[c for c in entries if c.category == "emergency"],
        organisations=[c for c in entries if c.category == "organisation"],
    )


@pages.route("/<lang>/mirrors/")
def mirrors(lang: str):
    check_language(lang)
    return render_template("mirrors.html", lang=lang, mirrors=site().mirrors,
                           alternates=alternates(lang, "mirrors"))


@pages.route("/<lang>/<slug>/")
def content_page(lang: str, slug: str):
    check_language(lang)
    page = site().page(lang, slug) if SLUG_RE.match(slug) else None
    if page is None:
        abort(404)
    return render_template("page.html", lang=lang, page=page, alternates=alternates(lang, slug))


def not_found(error):
    lang = url_language()
    return render_template("404.html", lang=lang, alternates=alternates(lang, None)), 404


def page_paths(site) -> list[str]:
    """Every HTML page the app serves, as absolute paths: the export and the precache list use it.

    A feature that adds a page adds its paths here, so offline use and static copies get it too.
    """
    paths = []
    for lang in LANGUAGES:
        paths.append(page_path(lang))
        paths.append(page_path(lang, "contacts"))
        paths.append(page_path(lang, "mirrors"))
        paths.extend(page_path(lang, slug) for slug in site.slugs)
    return paths


def data_paths(site) -> list[str]:
    """Non-HTML files the pages need offline (e.g. search indexes), as absolute paths."""
    return []
