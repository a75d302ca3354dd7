"""No trail, on the server's side: no-store HTML, the neutral title, removal only from this site."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app import create_app
from conftest import LANGS, ROOT
from tirek import sitemap

JS = ROOT / "static" / "js"
# The modules of this feature; search.js keeps its own (tested) interface.
MODULES = ("quick-exit.js", "reader.js", "remove.js", "offline.js", "choose-language.js")


def every_html_response(app):
    """(what, response) for every kind of HTML answer: pages, redirects, 404, 405, 500, removal."""
    client = app.test_client()
    for path in sitemap.page_paths(app.extensions["tirek_site"].slugs):
        yield path, client.get(path)
    yield "redirect", client.get("/")
    yield "404", client.get("/ru/no-such-page/")
    yield "404 outside", client.get("/nowhere")
    yield "405", client.post("/ru/")
    yield "removal", client.post("/ru/remove/", headers={"Sec-Fetch-Site": "same-origin"})
    yield "refused removal", client.post("/ru/remove/", headers={"Sec-Fetch-Site": "cross-site"})
    yield "500", client.get("/boom/")


@pytest.fixture
def failing_app():
    app = create_app({"TESTING": False})

    def boom():
        raise RuntimeError("a bug")

    app.add_url_rule("/boom/", "boom", boom)
    return app


def test_no_html_response_may_be_stored(failing_app):
    seen = set()
    for what, response in every_html_response(failing_app):
        if not response.mimetype == "text/html":
            continue
        seen.add(what if not what.startswith("/") else "page")
        assert response.headers.getlist("Cache-Control") == ["no-store"], what
    assert {"page", "redirect", "404", "404 outside", "405", "removal", "refused removal", "500"} <= seen


def test_static_files_and_the_worker_keep_their_caching(client, app):
    asset = next(iter(app.config["ASSET_MANIFEST"].values()))
    assert "immutable" in client.get(f"/static/{asset}").headers["Cache-Control"]
    assert client.get("/sw.js").headers["Cache-Control"] == "no-cache"


# --- the neutral title --------------------------------------------------------------------------


def head_of(response) -> str:
    return response.get_data(as_text=True).split("</head>", 1)[0]


@pytest.mark.parametrize("lang", LANGS)
def test_the_neutral_name_is_set_before_the_real_title(lang):
    app = create_app({"TESTING": True, "APP_NAME": "Notes"})
    client = app.test_client()
    for path in (f"/{lang}/", f"/{lang}/contacts/", f"/{lang}/search/", f"/{lang}/remove/"):
        head = head_of(client.get(path))
        script = re.search(r'<script src="[^"]*neutral-title\.[0-9a-f]+\.js" data-app-name="Notes"></script>', head)
        assert script, path
        assert "defer" not in script[0] and "async" not in script[0]
        # Before the page's own <title>, which keeps the real title for readers without JavaScript.
        assert head.index(script[0]) < head.index("<title>"), path
        assert "Tirek" in re.search(r"<title>(.*?)</title>", head)[1], path


def test_the_neutral_title_script_is_tiny():
    # It blocks the first paint on a first visit: it must stay a few lines.
    assert (JS / "neutral-title.js").stat().st_size < 1024


# --- removal, only from this site ---------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin", "Origin": "null"},  # our own form under no-referrer
        {"Sec-Fetch-Site": "none"},
        {"Origin": "http://localhost"},  # a browser without Sec-Fetch-*
    ],
    ids=["fetch-site", "typed", "origin"],
)
def test_removal_from_this_site_clears_everything(client, headers):
    response = client.post("/kk/remove/", headers=headers)
    assert response.status_code == 200
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://elsewhere.example"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://other.localhost"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"},  # the browser's word wins
        {"Origin": "https://elsewhere.example"},
        {"Origin": "null"},
        {},
    ],
    ids=["cross-site", "same-site", "contradicting", "origin", "null-origin", "no-headers"],
)
@pytest.mark.parametrize("lang", LANGS)
def test_removal_from_anywhere_else_is_refused_calmly(client, headers, lang):
    response = client.post(f"/{lang}/remove/", headers=headers)
    assert response.status_code == 403
    assert "Clear-Site-Data" not in response.headers
    text = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in text
    assert 'class="notice" role="alert"' in text
    # The same page, so the reader can still remove the site on purpose.
    assert "data-remove" in text and 'method="post"' in text


def test_the_refusal_speaks_the_readers_language(client):
    notes = {
        lang: re.search(r'role="alert">(.*?)</p>', client.post(f"/{lang}/remove/").get_data(as_text=True))[1]
        for lang in LANGS
    }
    assert notes["ru"].startswith("Ничего не удалено")
    assert notes["en"].startswith("Nothing was removed")
    assert re.search("[әғқңөұүһі]", notes["kk"])
    assert client.get("/en/remove/").get_data(as_text=True).count('role="alert"') == 0


def test_the_remove_page_says_what_removal_cannot_touch(client):
    text = client.get("/en/remove/").get_data(as_text=True)
    for words in (
        "Other browsers",
        "Backups",
        "screenshots",
        "downloaded copies",
        "Android",
        "iPhone",
        "using-this-site-safely/#history",
    ):
        assert words in text, words


def test_the_home_page_tells_only_keyboards_about_shift(client):
    hint = re.search(r'<p class="exit-hint">(.*?)</p>', client.get("/en/").get_data(as_text=True), re.S)[1]
    assert "tap “Exit this page”" in hint
    assert re.search(r"On a keyboard[^.]*Shift", hint)


# --- one module convention ----------------------------------------------------------------------


@pytest.mark.parametrize("name", MODULES)
def test_modules_start_on_data_module_roots_and_share_no_globals(name):
    source = (JS / name).read_text(encoding="utf-8")
    assert "[data-module~=" in source
    assert "'tirek:content'" in source, "roots brought in by the reader must start too"
    assert not re.search(r"\bwindow\.[A-Za-z]+\s*=[^=]", source), "a global"
    assert "document.currentScript" not in source, "settings come from the root, not the script tag"


def test_every_module_root_in_the_templates_has_a_module():
    names = set()
    for template in (ROOT / "templates").glob("*.html"):
        names |= set(re.findall(r'data-module="([^"]+)"', template.read_text(encoding="utf-8")))
    sources = "".join(path.read_text(encoding="utf-8") for path in JS.glob("*.js"))
    missing = [name for name in sorted(names) if f"'{name}'" not in sources and f'"{name}"' not in sources]
    assert names and missing == []


def test_pages_no_longer_load_the_old_history_script(client):
    assert not Path(JS / "no-history.js").exists()
    assert "no-history" not in client.get("/en/").get_data(as_text=True)
