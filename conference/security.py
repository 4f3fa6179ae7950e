"""Password hashing (scrypt), signed login tokens and CSRF tokens."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets

from itsdangerous import BadSignature, URLSafeSerializer

SCRYPT_R = 8
SCRYPT_P = 1


def _scrypt(password: str, salt: bytes, log2_n: int) -> bytes:
    return hashlib.scrypt(
        password.encode(), salt=salt, n=2**log2_n, r=SCRYPT_R, p=SCRYPT_P, maxmem=2**27, dklen=32
    )


def hash_password_sync(password: str, log2_n: int = 15) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, log2_n)
    return f"scrypt${log2_n}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def verify_password_sync(password: str, stored: str) -> bool:
    try:
        scheme, log2_n, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = _scrypt(password, base64.b64decode(salt), int(log2_n))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


async def hash_password(password: str, log2_n: int = 15) -> str:
    # scrypt is deliberately slow and memory-hard: keep it off the event loop.
    return await asyncio.to_thread(hash_password_sync, password, log2_n)


async def verify_password(password: str, stored: str) -> bool:
    return await asyncio.to_thread(verify_password_sync, password, stored)


# A hash to compare against when the e-mail is unknown, so both failures take the same time.
DUMMY_HASH = hash_password_sync("not a real password", 10)


class Signer:
    """Signs login ids into cookie values and bearer tokens, and derives CSRF tokens."""

    def __init__(self, secret_key: str) -> None:
        self._secret = secret_key.encode()
        self._cookie = URLSafeSerializer(secret_key, salt="conference.cookie")
        self._bearer = URLSafeSerializer(secret_key, salt="conference.bearer")
        self._setup = URLSafeSerializer(secret_key, salt="conference.setup")

    def cookie_value(self, login_id: int) -> str:
        return self._cookie.dumps({"l": login_id})

    def bearer_token(self, login_id: int) -> str:
        return self._bearer.dumps({"l": login_id})

    def login_from_cookie(self, value: str) -> int | None:
        return _login_id(self._cookie, value)

    def login_from_bearer(self, value: str) -> int | None:
        return _login_id(self._bearer, value)

    def csrf_token(self, login_id: int) -> str:
        return hmac.new(self._secret, f"csrf:{login_id}".encode(), hashlib.sha256).hexdigest()

    def check_csrf(self, login_id: int, token: str) -> bool:
        return hmac.compare_digest(self.csrf_token(login_id), token)

    def setup_token(self) -> str:
        return self._setup.dumps({"setup": True})

    def check_setup_token(self, token: str) -> bool:
        try:
            return self._setup.loads(token) == {"setup": True}
        except BadSignature:
            return False

    def derive(self, purpose: str, value: str, length: int = 20) -> str:
        """A stable value nobody can guess without the key (e.g. video room names)."""
        digest = hmac.new(self._secret, f"{purpose}:{value}".encode(), hashlib.sha256).digest()
        return base64.b32encode(digest).decode().rstrip("=").lower()[:length]


def _login_id(serializer: URLSafeSerializer, value: str) -> int | None:
    try:
        data = serializer.loads(value)
    except BadSignature:
        return None
    login_id = data.get("l") if isinstance(data, dict) else None
    return login_id if isinstance(login_id, int) else None
