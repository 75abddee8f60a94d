"""The deployment's Open Badges issuer key: Ed25519, derived from the `badge_key` secret that
`vigie/secrets.py` generates on first run beside the pepper (var/secrets.json, 0600).

Never logs, returns or serialises the private part: only the public JWK and Multikey leave.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc.jwk import OKPKey

# The multicodec prefix of an Ed25519 public key (0xed, varint) in a Multikey's multibase value.
ED25519_MULTICODEC = b"\xed\x01"
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
KEY_FRAGMENT = "key-1"


def base58btc(data: bytes) -> str:
    """Bitcoin's base58 alphabet (multibase 'z'), leading zero bytes as '1'."""
    number = int.from_bytes(data, "big")
    digits = ""
    while number:
        number, rest = divmod(number, 58)
        digits = BASE58[rest] + digits
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + digits


@dataclass(frozen=True)
class IssuerKey:
    """The signing key (private) and what the issuer profile publishes (public)."""

    signing: OKPKey
    public_raw: bytes

    @property
    def public_jwk(self) -> dict[str, str]:
        return {"kty": "OKP", "crv": "Ed25519", "x": str(self.signing.as_dict(private=False)["x"])}

    @property
    def multibase(self) -> str:
        return "z" + base58btc(ED25519_MULTICODEC + self.public_raw)


@cache
def issuer_key(secret: str) -> IssuerKey:
    """The same secret always gives the same key (every API replica signs alike)."""
    seed = hashlib.sha256(b"vigie open badges issuer key\0" + secret.encode()).digest()
    private = Ed25519PrivateKey.from_private_bytes(seed)
    public_raw = private.public_key().public_bytes_raw()
    return IssuerKey(signing=OKPKey.import_key(private), public_raw=public_raw)
