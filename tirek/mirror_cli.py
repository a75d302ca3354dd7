"""The mirror operators' commands: a signing key, and a full check of a copy.

    flask --app app mirror keygen KEYFILE
    flask --app app mirror verify DIR [--public-key KEY]

``sha256sum -c SHA256SUMS`` checks the files a list names; it says nothing of files added
beside them, such as a page slipped into a copy. ``mirror verify`` checks the signature of
SHA256SUMS, every file it lists, and that nothing else is in the folder. Like ``content``,
these commands need no app: Flask loads them before, and without, creating one.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
from pathlib import Path

import click

from . import signing
from .config import load_config
from .export import CHECKSUMS, SIGNATURE

CHECKSUM_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


@click.group(help="Make a signing key and check copies of the site.")
def mirror() -> None:
    pass


@mirror.command("keygen")
@click.argument("keyfile", type=click.Path(dir_okay=False, path_type=Path))
def keygen(keyfile: Path) -> None:
    """Create a key pair: KEYFILE (secret) and KEYFILE.pub.

    The secret key is in minisign's format without a password (as 'minisign -G -W' writes it),
    readable only by you (mode 0600): keep it off the web server. Set the public key as
    TIREK_SIGNING_PUBLIC_KEY, then sign copies with 'flask --app app export DIR --sign KEYFILE'.
    """
    public_file = keyfile.with_name(keyfile.name + ".pub")
    for path in (keyfile, public_file):
        if path.exists():
            raise click.ClickException(f"{path}: already exists; move it away or choose another name")
    key = signing.generate()
    descriptor = os.open(keyfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as secret:
        os.fchmod(secret.fileno(), 0o600)
        secret.write(key.file_text)
    public_file.write_text(key.public_key.file_text, encoding="ascii")
    click.echo(f"Secret key: {keyfile} (keep it secret; anyone who has it can sign copies as you)")
    click.echo(f"Public key: {public_file}")
    click.echo(f"\nTIREK_SIGNING_PUBLIC_KEY={key.public_key.text}\n")
    click.echo(f"Anyone can check a signed copy with: minisign -Vm {CHECKSUMS} -P {key.public_key.text}")


@mirror.command("verify")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--public-key",
    "public_key",
    help="The public key: its line of base64, or a .pub file. Default: TIREK_SIGNING_PUBLIC_KEY.",
)
def verify(directory: Path, public_key: str | None) -> None:
    """Check a copy: the signature, every file listed in SHA256SUMS, and no other files.

    One line a problem, naming the file; exit 1 if there is any.
    """
    try:
        key = load_public_key(public_key or load_config()["SIGNING_PUBLIC_KEY"])
    except signing.SigningError as error:
        raise click.ClickException(f"public key: {error}") from None
    problems, report = check_copy(directory, key)
    for problem in problems:
        click.echo(problem)
    if problems:
        click.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}: do not trust this copy.", err=True)
        raise SystemExit(1)
    for line in report:
        click.echo(line)


def load_public_key(value: str | None) -> signing.PublicKey | None:
    """A key given as text, or as the path of a .pub file; None when there is none."""
    if not value:
        return None
    path = Path(value)
    if len(value) < 300 and path.is_file():
        return signing.read_public_key(path.read_text(encoding="utf-8", errors="replace"))
    return signing.read_public_key(value)


def check_copy(folder: Path, key: signing.PublicKey | None) -> tuple[list[str], list[str]]:
    """(problems, what was checked). Every problem names the file it is about."""
    checksum_file = folder / CHECKSUMS
    if not checksum_file.is_file():
        return [f"{CHECKSUMS}: missing: this folder is not a copy, or the list was removed"], []
    listing = checksum_file.read_bytes()
    problems, report = [], []

    signature_file = folder / SIGNATURE
    if key is None:
        problems.append(
            f"{SIGNATURE}: no public key to check it against: pass --public-key or set TIREK_SIGNING_PUBLIC_KEY"
        )
    elif not signature_file.is_file():
        problems.append(f"{SIGNATURE}: missing: the copy is not signed")
    else:
        try:
            comment = signing.verify(key, listing, signature_file.read_text(encoding="utf-8", errors="replace"))
            report.append(f"{SIGNATURE}: good signature by key {key.id_hex} ({comment})")
        except signing.SigningError as error:
            problems.append(f"{SIGNATURE}: {error}")

    listed, line_problems = read_checksums(listing.decode("utf-8", errors="replace"))
    problems += line_problems
    for name, digest in listed.items():
        path = folder / name
        if path.is_symlink() or (path.exists() and not path.is_file()):
            problems.append(f"{name}: not a plain file")
        elif not path.exists():
            problems.append(f"{name}: missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems.append(f"{name}: changed: its SHA-256 differs from the one in {CHECKSUMS}")
    expected = set(listed) | {CHECKSUMS, SIGNATURE}
    for name in files_in(folder):
        if name not in expected:
            problems.append(f"{name}: not listed in {CHECKSUMS}: added to the copy")
    report.append(f"{CHECKSUMS}: all {len(listed)} files match, and there are no others")
    return problems, report


def read_checksums(text: str) -> tuple[dict[str, str], list[str]]:
    """{file name: SHA-256} from sha256sum's format, and the lines that are not sound."""
    listed, problems = {}, []
    for number, line in enumerate(text.splitlines(), start=1):
        match = CHECKSUM_LINE.match(line)
        if not match:
            problems.append(f"{CHECKSUMS}:{number}: not a checksum line")
            continue
        digest, name = match.groups()
        if posixpath.normpath(name) != name or name.startswith(("/", "../")) or name == "..":
            problems.append(f"{CHECKSUMS}:{number}: {name!r} is not a path inside the copy")
        elif name in listed:
            problems.append(f"{CHECKSUMS}:{number}: {name} is listed twice")
        else:
            listed[name] = digest
    return listed, problems


def files_in(folder: Path) -> list[str]:
    """Every file and link in ``folder``, as relative POSIX paths; links to folders are not followed."""
    found = []
    for parent, folders, names in os.walk(folder):
        here = Path(parent)
        found += [(here / name).relative_to(folder).as_posix() for name in names]
        found += [(here / name).relative_to(folder).as_posix() for name in folders if (here / name).is_symlink()]
    return sorted(found)
