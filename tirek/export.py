"""The static copy: every page and file the app serves, fetched through the app, written to a folder.

    flask --app app export DIR [--zip FILE] [--sign KEYFILE]

Each file is what the server itself would answer (the app's test client runs the
same views, templates and static files), so a copy cannot drift from the site.
Links are relative and folder links end in ``index.html``, so the copy works
under any path prefix and, for reading, straight from ``file://``.

The output is deterministic: the same content gives the same bytes, and
SHA256SUMS lists a checksum for every file, so anyone can check a mirror
against a published release. With ``--sign``, SHA256SUMS.minisig signs that list
in minisign's format (signing.py); ``flask --app app mirror verify`` checks it all.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import current_app, render_template
from flask.cli import with_appcontext
from flask_babel import force_locale, gettext

from . import signing, views
from .config import DEFAULTS
from .languages import DEFAULT_LANGUAGE, LANGUAGES
from .single_file import content_date, inline_policy, inline_style
from .sitemap import ROOT_FILES, data_paths, download_paths, page_paths

CHECKSUMS = "SHA256SUMS"
# The signature of SHA256SUMS: it cannot list itself, nor be listed in what it signs.
SIGNATURE = CHECKSUMS + ".minisig"
# Zip entries carry a date; a fixed one keeps the archive the same for the same content.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class ExportError(click.ClickException):
    """The copy cannot be made; the message says which URL or folder and why."""


def export_paths(app) -> list[str]:
    """Every URL the copy needs: pages, data files, hashed static files, service worker, manifest."""
    site = app.extensions["tirek_site"]
    paths = page_paths(site.slugs) + data_paths() + download_paths()
    paths += [f"/static/{name}" for name in sorted(app.config["ASSET_MANIFEST"].values())]
    paths += ROOT_FILES
    return list(dict.fromkeys(paths))


def file_name(path: str) -> str:
    """The file in the copy for a URL path: folders get their index.html."""
    name = path.lstrip("/")
    if name == "" or name.endswith("/"):
        name += "index.html"
    if posixpath.normpath(name) != name or name.startswith("."):
        raise ExportError(f"{path}: not a plain path inside the copy")
    return name


def build_copy(app) -> dict[str, bytes]:
    """{file name: contents} of the whole copy, sorted, with SHA256SUMS."""
    if not app.config.get("LINK_INDEX_FILES"):
        raise ValueError("the export needs an app created with LINK_INDEX_FILES=True")
    client = app.test_client()
    files = {file_name(path): fetch(client, path) for path in export_paths(app)}
    files["index.html"] = render_at(app, "/", lambda: views.language_chooser(pick=True))
    files["404.html"] = render_at(app, "/404.html", static_not_found)
    files[CHECKSUMS] = checksums(files).encode()
    return dict(sorted(files.items()))


def fetch(client, path: str) -> bytes:
    response = client.get(path)
    try:
        if response.status_code != 200:
            raise ExportError(f"{path}: the app answered {response.status}, not 200 OK")
        return response.get_data()
    finally:
        response.close()


def render_at(app, path: str, view) -> bytes:
    """A page that only the copy has, rendered as if requested at ``path``."""
    with app.test_request_context(path):
        return app.make_response(view()).get_data()


def static_not_found() -> str:
    """The copy's 404.html, in every language, for hosts that show it at any missing address."""
    sections = []
    for lang in LANGUAGES:
        with force_locale(lang):
            sections.append(
                {
                    "lang": lang,
                    "title": gettext("Page not found"),
                    "text": gettext("There is no page at this address. It may have moved."),
                    "home": gettext("All topics"),
                }
            )
    with force_locale(DEFAULT_LANGUAGE):
        exit_label = gettext("Exit this page")
    # Shown at any depth, so the stylesheet is inside the page, allowed by its hash.
    style = inline_style()
    return render_template(
        "404-static.html",
        lang=DEFAULT_LANGUAGE,
        sections=sections,
        exit_label=exit_label,
        style=style,
        meta_policy=inline_policy(style, in_meta=True),
    )


def checksums(files: dict[str, bytes]) -> str:
    """The files' SHA-256 in the format of sha256sum, so ``sha256sum -c SHA256SUMS`` checks them."""
    return "".join(f"{hashlib.sha256(files[name]).hexdigest()}  {name}\n" for name in sorted(files))


def link_problems(files: dict[str, bytes]) -> list[str]:
    """Links and asset URLs in the pages that are not relative or point to no file in the copy."""
    problems = []
    for name, data in files.items():
        # 404.html is shown at unknown depths, so its links go to the host's root on purpose.
        if not name.endswith(".html") or name == "404.html":
            continue
        for url in _LinkParser.urls(data.decode("utf-8")):
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            if parts.path.startswith("/"):
                problems.append(f"{name}: {url!r} is not relative, so it breaks under a path prefix")
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), parts.path))
            if parts.path.endswith("/") or target == ".":
                target = posixpath.join(target, "index.html").removeprefix("./")
            if target.startswith("../") or target not in files:
                problems.append(f"{name}: {url!r} points to no file in the copy")
    return list(dict.fromkeys(problems))


class _LinkParser(HTMLParser):
    ATTRIBUTES = {"href", "src", "action"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    @classmethod
    def urls(cls, html: str) -> list[str]:
        parser = cls()
        parser.feed(html)
        parser.close()
        return parser.found

    def handle_starttag(self, tag, attrs):
        self.found.extend(value for name, value in attrs if name in self.ATTRIBUTES and value)


def write_tree(files: dict[str, bytes], target: Path) -> None:
    """Write the copy into ``target``: a new or empty folder, or a previous copy, which is replaced."""
    clear_previous_copy(target)
    for name, data in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def clear_previous_copy(target: Path) -> None:
    """Empty ``target`` if it holds only a previous copy's files; refuse to touch anything else."""
    if not target.exists():
        return
    if not target.is_dir():
        raise ExportError(f"{target}: exists and is not a folder")
    present = sorted(
        Path(folder, name).relative_to(target).as_posix() for folder, _, names in os.walk(target) for name in names
    )
    if not present:
        return
    listed = _listed_files(target / CHECKSUMS) | {CHECKSUMS, SIGNATURE}
    strangers = [name for name in present if name not in listed]
    if not (target / CHECKSUMS).is_file() or strangers:
        example = strangers[0] if strangers else present[0]
        raise ExportError(
            f"{target}: not empty and not a previous copy ({example} is not part of one); choose a new or empty folder"
        )
    for name in present:
        (target / name).unlink()
    for folder, _, _ in sorted(os.walk(target), key=lambda entry: -len(entry[0])):
        if Path(folder) != target:
            Path(folder).rmdir()


def _listed_files(checksum_file: Path) -> set[str]:
    if not checksum_file.is_file():
        return set()
    lines = checksum_file.read_text(encoding="utf-8", errors="replace").splitlines()
    return {line.split("  ", 1)[1] for line in lines if "  " in line}


def write_zip(files: dict[str, bytes], zip_path: Path) -> None:
    """The copy as one zip, inside a folder named like the zip.

    The same content gives the same bytes with the same zlib; SHA256SUMS inside is the same everywhere.
    """
    folder = zip_path.stem
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    partial = zip_path.with_name(zip_path.name + ".part")
    with zipfile.ZipFile(partial, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=ZIP_DATE)
            info.create_system = 3  # Unix, whichever system writes it
            info.external_attr = 0o100644 << 16
            archive.writestr(info, files[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    os.replace(partial, zip_path)


def copy_settings(app) -> dict:
    """The running app's settings for a second app that renders the copy."""
    settings = {name: app.config[name] for name in DEFAULTS}
    settings.update(BUILD_DIR="", LINK_INDEX_FILES=True)
    return settings


def read_signing_key(key_file: Path, configured: signing.PublicKey | None) -> signing.SecretKey:
    """The secret key to sign with; it must belong to the public key the copy shows readers."""
    try:
        key = signing.read_secret_key(key_file.read_text(encoding="utf-8", errors="replace"))
    except signing.SigningError as error:
        raise ExportError(f"{key_file}: {error}") from None
    public = key.public_key
    if configured is None:
        click.echo(
            f"warning: TIREK_SIGNING_PUBLIC_KEY is not set, so the copy shows readers no fingerprint; "
            f"set it to {public.text}",
            err=True,
        )
    elif configured != public:
        raise ExportError(
            f"{key_file}: this key ({public.id_hex}) is not the one in TIREK_SIGNING_PUBLIC_KEY "
            f"({configured.id_hex}); the copy would show a fingerprint its signature does not match"
        )
    if key_file.stat().st_mode & 0o077:
        click.echo(
            f"warning: {key_file}: other users of this computer can read the secret key (chmod 600 {key_file})",
            err=True,
        )
    return key


def signature(files: dict[str, bytes], key: signing.SecretKey, site) -> bytes:
    """SHA256SUMS.minisig. The trusted comment holds the content's date, not the time of signing,
    so the same content and key give the same signature (Ed25519 signatures are deterministic)."""
    date = content_date(site)
    comment = f"content:{date.isoformat() if date else 'none'}\tfile:{CHECKSUMS}\thashed"
    return signing.sign(key, files[CHECKSUMS], comment).encode()


@click.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--zip", "zip_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write the copy as one zip file."
)
@click.option(
    "--sign",
    "key_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=f"Sign {CHECKSUMS} with this secret key (made by 'flask --app app mirror keygen'): writes {SIGNATURE}.",
)
@with_appcontext
def export_command(directory: Path, zip_path: Path | None, key_file: Path | None) -> None:
    """Write a complete static copy of the site into DIRECTORY."""
    directory = directory.absolute()
    if zip_path and directory in zip_path.absolute().parents:
        raise ExportError(f"{zip_path}: write the zip file outside the copy's folder")
    key = read_signing_key(key_file, current_app.extensions["tirek_public_key"]) if key_file else None
    # A second app from the same factory, with links that end in index.html.
    copy_app = current_app.extensions["tirek_factory"](copy_settings(current_app))
    files = build_copy(copy_app)
    if key:
        files[SIGNATURE] = signature(files, key, copy_app.extensions["tirek_site"])
        files = dict(sorted(files.items()))
    for problem in link_problems(files):
        click.echo(f"warning: {problem}", err=True)
    write_tree(files, directory)
    size = sum(len(data) for data in files.values())
    click.echo(f"Wrote {len(files)} files ({size / 1e6:.1f} MB) to {directory}")
    click.echo(f"Release fingerprint (SHA-256 of {CHECKSUMS}): {hashlib.sha256(files[CHECKSUMS]).hexdigest()}")
    if key:
        click.echo(f"Signed {CHECKSUMS} with key {key.public_key.id_hex}: {SIGNATURE}")
    if zip_path:
        write_zip(files, zip_path)
        digest = hashlib.sha256(zip_path.read_bytes()).hexdigest()
        click.echo(f"Wrote {zip_path} (SHA-256 {digest})")
