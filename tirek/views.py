"""The reader's pages: language choice, home, content, contacts, search, mirrors, removal, cover, the one-file copy, 404."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request
from flask_babel import force_locale, gettext
from werkzeug.routing import AnyConverter

from . import search as matching
from .contacts import by_category
from .content import SLUG_RE
from .i18n import best_language, url_language
from .keywords import keyword_groups
from .languages import LANGUAGE_NAMES, LANGUAGES
from .security import META_CONTENT_SECURITY_POLICY
from .single_file import DOWNLOAD_NAME, copy_response
from .sitemap import COVER_PATH, page_path
from .urls import alternates, relative

pages = Blueprint("pages", __name__)
SAFETY_SLUG = "using-this-site-safely"
# The content page on keeping and passing on the one-file copy; the footer links to it when it exists.
SHARE_SLUG = "share-a-copy"
pages.add_app_template_global(META_CONTENT_SECURITY_POLICY, "META_CSP")
pages.add_app_template_global(keyword_groups)
pages.add_app_template_global(SHARE_SLUG, "SHARE_SLUG")
pages.add_app_template_global(SAFETY_SLUG, "SAFETY_SLUG")
pages.add_app_template_global(lambda slug: slug in site().slugs, "has_page")


def site():
    return current_app.extensions["tirek_site"]


class LanguageConverter(AnyConverter):
    """Matches only the three languages, so /favicon.ico is a plain 404, not a redirect."""

    def __init__(self, url_map):
        super().__init__(url_map, *LANGUAGES)


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
            choices.append(
                {
                    "lang": code,
                    "name": LANGUAGE_NAMES[code],
                    "url": relative(page_path(code)),
                    "prompt": gettext("Read in this language"),
                    "heading": gettext("Choose a language"),
                }
            )
    response = make_response(
        render_template(
            "languages.html",
            lang=lang,
            alternates=alternates(lang, None),
            choices=choices,
            pick=pick,
        )
    )
    response.headers["Vary"] = "Accept-Language"
    return response


@pages.route("/<lang:lang>/")
def home(lang: str):
    return render_template(
        "home.html",
        lang=lang,
        intro=site().home(lang),
        topics=site().topics(lang),
        alternates=alternates(lang, None),
        safety_page=site().page(lang, SAFETY_SLUG),
    )


@pages.route("/<lang:lang>/contacts/")
def contacts(lang: str):
    return render_template(
        "contacts.html", lang=lang, alternates=alternates(lang, "contacts"), groups=by_category(site().contacts)
    )


@pages.route("/<lang:lang>/remove/", methods=["GET", "POST"])
def remove(lang: str):
    """Explain what removal does and ask to confirm; the POST wipes this site's data and leaves.

    Only a POST from this site's own pages: another site must not be able to wipe a reader's
    offline copy. It gets the same page with a calm note, and nothing is cleared.
    """
    refused = request.method == "POST" and not from_this_site()
    if request.method == "GET" or refused:
        page = render_template(
            "remove.html",
            lang=lang,
            alternates=alternates(lang, "remove"),
            safety_page=site().page(lang, SAFETY_SLUG),
            refused=refused,
        )
        return page, 403 if refused else 200
    response = make_response(render_template("removed.html", lang=lang))
    # The browser deletes this origin's caches, service workers and storage on receipt.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    response.headers["Cache-Control"] = "no-store"
    return response


def from_this_site() -> bool:
    """Browsers say where a request comes from in Sec-Fetch-Site; older ones only in Origin.

    A form's POST from our own page may send "Origin: null" (our Referrer-Policy is no-referrer),
    so Sec-Fetch-Site decides where a browser sends it.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("Origin", "")
    return bool(origin) and urlsplit(origin).netloc == request.host


@pages.route(COVER_PATH)
def cover():
    """The neutral page the quick exit shows offline or in the installed app: nothing about us."""
    return render_template("cover.html")


# A search form holds one short field; anything longer is not a search.
MAX_SEARCH_FORM_BYTES = 2048


@pages.route("/<lang:lang>/search/", methods=["GET", "POST"])
def search(lang: str):
    """The form posts, so a query never sits in an address, a history entry or a log line."""
    if request.method == "GET" and request.query_string:
        # An old link with ?q=…: to the plain search page, without reading or echoing the query.
        response = redirect("./", code=303)
    else:
        query = ""
        if request.method == "POST":
            request.max_content_length = MAX_SEARCH_FORM_BYTES
            query = request.form.get("q", "")[: matching.MAX_QUERY_CHARS].strip()
        # The page for a query is the same bytes every time it is asked: a repeated (or hammered)
        # query costs a lookup, not a render.
        response = make_response(search_pages().get([lang, query], lambda: search_page(lang, query)))
    response.headers["Cache-Control"] = "no-store"
    return response


def search_page(lang: str, query: str) -> str:
    # A query without a word of two letters or more lists the topics, as an empty one does.
    found = search_answers().get(search_indexes(), lang, query) if matching.query_words(query) else None
    return render_template(
        "search.html",
        lang=lang,
        alternates=alternates(lang, "search"),
        query=query,
        found=found,
        topics=site().topics(lang),
    )


def search_pages() -> matching.RecentQueries:
    return current_app.extensions.setdefault("tirek_search_pages", matching.RecentQueries())


def search_indexes() -> dict[str, dict]:
    return {code: index.data for code, index in current_app.extensions["tirek_search"].items()}


def search_answers() -> matching.AnswerCache:
    return current_app.extensions.setdefault("tirek_search_answers", matching.AnswerCache())


@pages.route("/<lang:lang>/search/index.json")
def search_index_file(lang: str):
    index = search_index(lang)
    response = current_app.response_class(index.payload, mimetype="application/json")
    response.set_etag(index.etag)
    # Revalidated on every use; offline, the service worker's copy answers.
    response.cache_control.no_cache = True
    return response.make_conditional(request)


def search_index(lang: str):
    return current_app.extensions["tirek_search"][lang]


@pages.route("/<lang:lang>/mirrors/")
def mirrors(lang: str):
    return render_template(
        "mirrors.html",
        lang=lang,
        mirrors=site().mirrors,
        public_key=current_app.extensions["tirek_public_key"],
        share_page=site().page(lang, SHARE_SLUG),
        download_name=DOWNLOAD_NAME.format(lang=lang),
        alternates=alternates(lang, "mirrors"),
    )


@pages.route("/<lang:lang>/copy.html")
def copy(lang: str):
    """The whole site in this language as one file to keep and pass on (single_file.py)."""
    return copy_response(lang)


@pages.route("/<lang:lang>/<slug>/")
def content_page(lang: str, slug: str):
    page = site().page(lang, slug) if SLUG_RE.match(slug) else None
    if page is None:
        abort(404)
    return render_template("page.html", lang=lang, page=page, alternates=alternates(lang, slug))


def not_found(error):
    lang = url_language()
    return render_template("error.html", lang=lang, alternates=alternates(lang, None), status=404), 404


def server_error(error: Exception):
    """Last resort: log the error, show the reader a calm page, never a traceback."""
    current_app.logger.exception("unhandled error")
    lang = url_language()
    return render_template("error.html", lang=lang, alternates=alternates(lang, None), status=500), 500
