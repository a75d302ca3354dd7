"""Configuration defaults; each can be overridden by an environment variable TIREK_<NAME>."""

from __future__ import annotations

from pathlib import Path

from flask import Config

ROOT = Path(__file__).resolve().parent.parent

DEFAULTS = {
    # The content folder: resources/<lang>/<slug>.md and resources/contacts.yaml.
    "RESOURCES_DIR": str(ROOT / "resources"),
    # Where the quick exit goes: a busy, neutral public site, so leaving looks like ordinary browsing.
    "QUICK_EXIT_URL": "https://www.google.com/",
    # The name in the header and the page titles.
    "SITE_NAME": "Tirek",
    # The installed app's name under its icon on the home screen and in the app switcher
    # (manifest.webmanifest). Whoever picks up the phone sees it, so it must not say what the app
    # is. "Reader" is an ordinary app for reading articles, which is what this is, so the reader
    # can explain it without lying; unlike the fake calculator, it is not a disguise parents and
    # police have learnt to look for.
    "APP_NAME": "Reader",
    # The same where space is short (under the icon on most launchers); at most 12 characters.
    "APP_SHORT_NAME": "Reader",
    # Send Strict-Transport-Security (only when the site is served over HTTPS).
    "HSTS": False,
    # The address where the site is published, such as https://example.org (empty: none). When set,
    # pages name their canonical address and their translations with absolute links, as search
    # engines want (rel=canonical, hreflang); static copies never do: they live at many addresses.
    "SITE_URL": "",
    # An onion address to advertise with the Onion-Location header (empty: none).
    "ONION_LOCATION": "",
    # The public key copies are signed with (flask --app app mirror keygen prints it): shown on the
    # mirrors page and in every copy as the fingerprint readers compare. Empty: copies show none.
    "SIGNING_PUBLIC_KEY": "",
    # content check: pages whose last review is older than this many days are reported.
    "REVIEW_MAX_AGE_DAYS": 365,
    # Where compiled catalogs and hashed static files go (empty: a new temporary folder).
    "BUILD_DIR": "",
    # Set by the static export: links end in index.html so a copy opened from file:// works.
    "LINK_INDEX_FILES": False,
}


def load_config(test_config: dict | None = None) -> Config:
    config = Config(str(ROOT))
    config.from_mapping(DEFAULTS)
    config.from_prefixed_env("TIREK")
    if test_config:
        config.update(test_config)
    return config
