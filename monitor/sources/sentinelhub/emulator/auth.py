"""The emulator's OAuth2 client-credentials token service and bearer-token checks.

Tokens are three-part JWT-shaped strings whose middle part is standard base64 JSON with ``azp`` (the client
id), which sentinelhub-py decodes to key its session cache. They are not signed: the emulator only needs to
recognise the tokens it issued, and to revoke them to emulate expiry.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs

__all__ = ("TokenBook", "TokenReply")


def _b64(data: dict[str, object]) -> str:
    return base64.b64encode(json.dumps(data, separators=(",", ":")).encode()).decode()


@dataclass(frozen=True)
class TokenReply:
    """What the token endpoint answers: status and JSON body."""

    status: int
    body: dict[str, object]


@dataclass
class TokenBook:
    """Issues, checks and revokes access tokens.

    Attributes:
        client_id: Accepted client id (None: any non-empty id).
        client_secret: Accepted secret (None: any non-empty secret).
        ttl_s: Lifetime announced in ``expires_in`` (keep it well above the client's 120 s refresh margin).
    """

    client_id: str | None = None
    client_secret: str | None = None
    ttl_s: int = 3600
    _valid: dict[str, float] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    issued: int = 0

    def grant(self, form_body: bytes, reject: bool = False) -> TokenReply:
        """Handle a client-credentials token request.

        Args:
            form_body: The ``application/x-www-form-urlencoded`` body.
            reject: Refuse the credentials whatever they are (the ``bad-credentials`` fault).

        Returns:
            200 with a token, 400 for another grant type, or 401 ``invalid_client``.
        """
        form = {k: v[0] for k, v in parse_qs(form_body.decode("utf-8", "replace")).items()}
        if form.get("grant_type") != "client_credentials":
            return TokenReply(400, {"error": "unsupported_grant_type", "error_description": "use client_credentials"})
        cid, secret = form.get("client_id", ""), form.get("client_secret", "")
        ok = bool(cid and secret)
        if self.client_id is not None:
            ok = ok and secrets.compare_digest(cid, self.client_id)
        if self.client_secret is not None:
            ok = ok and secrets.compare_digest(secret, self.client_secret)
        if reject or not ok:
            return TokenReply(401, {"error": "invalid_client", "error_description": "Invalid client credentials"})
        now = time.time()
        claims = {"azp": cid, "iat": int(now), "exp": int(now) + self.ttl_s, "jti": secrets.token_hex(8)}
        token = ".".join((_b64({"alg": "none", "typ": "JWT"}), _b64(claims), secrets.token_urlsafe(16)))
        with self._lock:
            self._valid[token] = now + self.ttl_s
            self.issued += 1
        return TokenReply(200, {"access_token": token, "expires_in": self.ttl_s, "token_type": "Bearer"})

    def check(self, authorization: str | None) -> bool:
        """Whether an ``Authorization`` header carries a live token.

        Args:
            authorization: The header value.

        Returns:
            True for ``Bearer <token>`` with a token issued here, not expired or revoked.
        """
        if not authorization or not authorization.startswith("Bearer "):
            return False
        token = authorization.removeprefix("Bearer ").strip()
        with self._lock:
            expiry = self._valid.get(token)
        return expiry is not None and expiry > time.time()

    def revoke_all(self) -> None:
        """Stop accepting every token issued so far (emulates expiry mid-run)."""
        with self._lock:
            self._valid.clear()
