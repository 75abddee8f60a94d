"""VC-JWT proofs (Open Badges 3.0 § 8.2, JSON Web Token Proof Format) with joserfc: `alg`
EdDSA over Ed25519, `kid` naming the key of the issuer Profile; and the verifier's checks
(signature, issuer, revocation).

Never accepts another algorithm than EdDSA, nor a key given by the token itself.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.util import to_bytes

from api.badges.documents import CREDENTIAL_TYPES, issuer_id, key_id
from api.badges.keys import IssuerKey

ALGORITHM = "EdDSA"


@contextmanager
def _eddsa_quietly() -> Iterator[None]:
    """joserfc warns that RFC 9864 prefers `Ed25519` to `EdDSA`; OB 3.0 verifiers expect EdDSA."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="EdDSA is deprecated")
        yield


def sign(credential: dict[str, Any], key: IssuerKey, base_url: str) -> str:
    """The compact JWS of the credential with its JWT claims (iss, jti, nbf, sub)."""
    valid_from = datetime.fromisoformat(credential["validFrom"].replace("Z", "+00:00"))
    payload = {
        **credential,
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "nbf": int(valid_from.timestamp()),
        "sub": credential["credentialSubject"]["id"],
    }
    header = {"alg": ALGORITHM, "kid": key_id(base_url), "typ": "JWT"}
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    with _eddsa_quietly():
        return jws.serialize_compact(header, body, key.signing, algorithms=[ALGORITHM])


@dataclass
class Verification:
    """The verifier's answer: valid only when every check passed; `problems` says which not."""

    checks: dict[str, bool] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    credential: dict[str, Any] | None = None

    @property
    def valid(self) -> bool:
        return not self.problems and all(self.checks.values())

    def fail(self, check: str, problem: str) -> Verification:
        self.checks[check] = False
        self.problems.append(problem)
        return self


def verify(token: str, key: IssuerKey, base_url: str, revoked: set[str]) -> Verification:
    """Signature (this deployment's key, EdDSA only), issuer (this deployment, the JWT claims
    agreeing with the credential), revocation (the credential id not on the list)."""
    result = Verification()
    try:
        with _eddsa_quietly():
            signed = jws.deserialize_compact(
                to_bytes(token.strip()), key.signing, algorithms=[ALGORITHM]
            )
        payload = json.loads(signed.payload)
    except (JoseError, ValueError, UnicodeDecodeError) as error:
        return result.fail("signature", f"signature invalide ({type(error).__name__})")
    result.checks["signature"] = True
    if not isinstance(payload, dict):
        return result.fail("issuer", "le contenu signé n'est pas un badge")
    result.credential = payload
    expected_issuer = issuer_id(base_url)
    issuer = payload.get("issuer")
    issuer_ok = (
        isinstance(issuer, dict)
        and issuer.get("id") == expected_issuer
        and payload.get("iss") == expected_issuer
        and signed.headers().get("kid") == key_id(base_url)
        and payload.get("jti") == payload.get("id")
        and all(kind in (payload.get("type") or []) for kind in CREDENTIAL_TYPES)
    )
    result.checks["issuer"] = issuer_ok
    if not issuer_ok:
        result.problems.append(f"émetteur inattendu (attendu : {expected_issuer})")
    is_revoked = payload.get("id") in revoked
    result.checks["revocation"] = not is_revoked
    if is_revoked:
        result.problems.append("badge révoqué par l'émetteur")
    return result
