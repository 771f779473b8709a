"""Password storage: scrypt with a random salt, the parameters written into each stored hash
(``scrypt$N$r$p$salt$digest``) so that a change of parameters is noticed and an old hash is
replaced at the operator's next successful sign-in."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from evalapp.domain import DomainError

SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}  # about 16 MiB and a quarter second here
DKLEN = 32
MAXMEM = 64 * 1024 * 1024
MIN_LENGTH = 6

_NO_SALT = bytes(16)  # for the work done when there is no stored hash to compare with


def check_strength(password: str, field: str = "密码") -> None:
    """The one rule on a new password: at least MIN_LENGTH characters."""
    if len(password or "") < MIN_LENGTH:
        raise DomainError(f"{field}:至少 {MIN_LENGTH} 位(现在 {len(password or '')} 位)")


def _digest(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=DKLEN,
                          maxmem=MAXMEM)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _digest(password, salt, **SCRYPT)
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${salt.hex()}${digest.hex()}"


def _parts(stored: str) -> tuple[int, int, int, bytes, str] | None:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return None
        return int(n), int(r), int(p), bytes.fromhex(salt), digest
    except (AttributeError, ValueError):
        return None


def check_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` matches ``stored``. With no stored hash (an unknown name) the
    same scrypt work is done on a dummy hash, so the answer takes the same time."""
    parts = _parts(stored) if stored else None
    if parts is None:
        _digest(password or "", _NO_SALT, **SCRYPT)
        return False
    n, r, p, salt, digest = parts
    try:
        got = _digest(password or "", salt, n, r, p)
    except ValueError:  # parameters this machine cannot use: treat as no match
        return False
    return hmac.compare_digest(got.hex(), digest)


def needs_rehash(stored: str) -> bool:
    """Whether ``stored`` was made with other parameters (or scheme) than the current ones."""
    parts = _parts(stored)
    return parts is None or parts[:3] != (SCRYPT["n"], SCRYPT["r"], SCRYPT["p"])

