"""The contacts, resources/contacts.yaml: help lines, organisations and emergency numbers.

Only entries marked ``verified: true`` reach readers; ``content check`` lists the others as
notices for volunteers to confirm. Each entry says what it is and what happens, and what
trace is left, when the reader reaches out.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from .languages import LANGUAGES
from .sitemap import SLUG_RE
from .sourcefile import Problem, display_path, load_yaml_list, text_in_each_language

CONTACT_FIELDS = {
    "id",
    "category",
    "name",
    "description",
    "trace",
    "phone",
    "email",
    "url",
    "verified",
    "verified_on",
    "source",
}
# The contacts page shows the categories in this order, by need: someone to talk to first,
# fire and gas last. Each is a section whose id pages link to (../contacts/#talk).
CONTACT_CATEGORIES = ("talk", "lgbti", "digital", "images", "relocation", "international", "emergency")


@dataclass(frozen=True)
class Contact:
    id: str
    category: str
    name: dict[str, str]
    description: dict[str, str]
    trace: dict[str, str]
    verified: bool
    verified_on: dt.date | None
    source: str
    phone: str | None = None
    email: str | None = None
    url: str | None = None
    line: int = 1

    @property
    def tel(self) -> str | None:
        return "tel:" + re.sub(r"[^0-9+]", "", self.phone) if self.phone else None


def load_contacts(path: Path, root: Path, problems: list[Problem]) -> list[Contact]:
    where = display_path(path, root)
    if not path.exists():
        problems.append(Problem(where, 1, "contacts file missing"))
        return []
    entries = load_yaml_list(path, root, problems, "contacts must be a list of entries ('- id: …')")
    contacts, ids = [], set()
    for entry, line in entries or []:
        contact = _read_contact(entry, where, line, problems)
        if contact is None:
            continue
        if contact.id in ids:
            problems.append(Problem(where, line, f"contact id {contact.id!r} is used twice"))
            continue
        ids.add(contact.id)
        contacts.append(contact)
    return contacts


def by_category(contacts: list[Contact]) -> list[tuple[str, list[Contact]]]:
    """The verified contacts grouped in page order; empty categories left out."""
    groups = [
        (category, [c for c in contacts if c.verified and c.category == category]) for category in CONTACT_CATEGORIES
    ]
    return [(category, entries) for category, entries in groups if entries]


def _read_contact(entry, where: str, line: int, problems: list[Problem]) -> Contact | None:
    if not isinstance(entry, dict):
        problems.append(Problem(where, line, "each contact must be a set of 'field: value' lines"))
        return None
    before = len(problems)

    def report(message: str) -> None:
        problems.append(Problem(where, line, f"contact {entry.get('id', '?')!r}: {message}"))

    for name in sorted(set(entry) - CONTACT_FIELDS):
        report(f"unknown field {name!r} (known: {', '.join(sorted(CONTACT_FIELDS))})")
    if not isinstance(entry.get("id"), str) or not SLUG_RE.match(entry.get("id", "")):
        report("'id' must be lowercase letters, digits and dashes")
    if entry.get("category") not in CONTACT_CATEGORIES:
        report(f"'category' must be one of {', '.join(CONTACT_CATEGORIES)}")
    for name in ("name", "description", "trace"):
        if not text_in_each_language(entry.get(name)):
            report(f"'{name}' needs text for each of {', '.join(LANGUAGES)}")
    if not isinstance(entry.get("verified"), bool):
        report("'verified' must be true or false")
    verified_on = entry.get("verified_on")
    if entry.get("verified") is True and not isinstance(verified_on, dt.date):
        report("a verified contact needs 'verified_on' as YYYY-MM-DD")
    if not entry.get("source"):
        report("'source' must say where the details come from")
    phone = entry.get("phone")
    if phone is not None and not re.fullmatch(r"\+?[0-9][0-9 ()-]*", str(phone)):
        report(f"'phone' {phone!r} must be digits as dialled")
    url = entry.get("url")
    if url is not None and not re.fullmatch(r"https://[^\s/?#]+[^\s]*", str(url)):
        report("'url' must start with https:// and a host name")
    email = entry.get("email")
    if email is not None and not re.fullmatch(r"[^@\s?&,;:/]+@[^@\s?&,;:/]+\.[^@\s?&,;:/]+", str(email)):
        report(f"'email' {email!r} is not an e-mail address")
    if len(problems) > before:
        return None
    return Contact(
        id=entry["id"],
        category=entry["category"],
        name=entry["name"],
        description=entry["description"],
        trace=entry["trace"],
        verified=entry["verified"],
        verified_on=verified_on if isinstance(verified_on, dt.date) else None,
        source=str(entry["source"]),
        phone=str(phone) if phone is not None else None,
        email=email,
        url=url,
        line=line,
    )
