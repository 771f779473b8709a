"""Database addresses without their secrets: a PostgreSQL password is never stored in the
user's settings nor printed in a message (the URL is kept without it and the password is
asked once per session)."""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

MASK = "***"
_known: set[str] = set()  # passwords of the databases opened in this process (memory only)


def _parsed(target: str):
    if "://" not in str(target):
        return None
    try:
        return make_url(str(target))
    except (ArgumentError, ValueError):
        return None


def password_of(target: str) -> str | None:
    url = _parsed(target)
    return None if url is None else url.password


def without_password(target: str) -> str:
    """The address to remember: a server URL without its password (a file path unchanged)."""
    url = _parsed(target)
    if url is None or url.password is None:
        return str(target)
    return URL.create(url.drivername, url.username, None, url.host, url.port, url.database,
                      url.query).render_as_string(hide_password=False)


def with_password(target: str, password: str) -> str:
    url = _parsed(target)
    if url is None:
        return str(target)
    return url.set(password=password).render_as_string(hide_password=False)


def needs_password(target: str) -> bool:
    """A server URL naming a user but no password (ask for it, once per session)."""
    url = _parsed(target)
    return (url is not None and url.get_backend_name() != "sqlite" and bool(url.username)
            and url.password is None)


def register(target: str) -> None:
    """Remember (in memory) a password in use, so every message can mask it."""
    password = password_of(target)
    if password:
        _known.add(password)


def scrub(text: str, target: str | None = None) -> str:
    """A message safe to show or log: the address's password and every password in use in
    this process (plain or URL-encoded) masked."""
    text = str(text)
    passwords = set(_known)
    if target and password_of(target):
        passwords.add(password_of(target))
    for password in sorted(passwords, key=len, reverse=True):
        for form in {password, quote(password, safe=""), quote(password)}:
            if len(form) >= 3:
                text = text.replace(form, MASK)
    return text


def shown(target: str) -> str:
    """The address as shown in a message (password masked)."""
    url = _parsed(target)
    if url is None or url.password is None:
        return str(target)
    return url.render_as_string(hide_password=True)
