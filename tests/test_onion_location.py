"""Onion-Location: Tor Browser offers the same page on the onion service."""

from __future__ import annotations

from app import create_app

ONION = "http://exampleexampleexampleexampleexampleexampleexampleexam.onion"


def test_no_onion_location_by_default(client):
    assert "Onion-Location" not in client.get("/ru/").headers


def test_onion_location_names_the_same_page():
    app = create_app({"TESTING": True, "ONION_LOCATION": ONION + "/"})
    client = app.test_client()
    assert client.get("/ru/contacts/").headers["Onion-Location"] == ONION + "/ru/contacts/"
    assert client.get("/en/?x=1").headers["Onion-Location"] == ONION + "/en/?x=1"
    css = "/static/" + app.config["ASSET_MANIFEST"]["css/site.css"]
    assert client.get(css).headers["Onion-Location"] == ONION + css
