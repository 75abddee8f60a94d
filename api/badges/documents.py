"""The Open Badges 3.0 documents as JSON-LD: the issuer Profile, one Achievement per reflex,
and the OpenBadgeCredential given to a learner (VC data model 2.0).

Pure functions of the data file and their arguments; a credential's recipient is a salted
hash of the pseudonym, or the identifier the learner chose: never a name, an e-mail or a
platform id.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from api.badges.keys import KEY_FRAGMENT, IssuerKey
from scenarios.schema import Criterion
from vigie.data_files import DataModel, load_yaml

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CONTEXTS = [VC_CONTEXT, OB_CONTEXT]
CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
REVOCATION_LIST_TYPE = "1EdTechRevocationList"
DATA_FILE = Path(__file__).resolve().parent / "achievements_fr.yml"


class IssuerText(DataModel):
    name: str
    description: str


class Alignment(DataModel):
    targetName: str  # the Open Badges property names
    targetCode: str
    targetFramework: str
    targetUrl: str


class AchievementText(DataModel):
    name: str
    description: str
    criteria: str


class AchievementsFile(DataModel):
    issuer: IssuerText
    criteria_common: str
    alignments: list[Alignment]
    achievements: dict[Criterion, AchievementText]


@cache
def texts() -> AchievementsFile:
    data = load_yaml(DATA_FILE, AchievementsFile)
    missing = set(Criterion) - set(data.achievements)
    if missing:
        raise ValueError(f"{DATA_FILE.name}: no achievement for {', '.join(sorted(missing))}")
    return data


def issuer_id(base_url: str) -> str:
    return f"{base_url}/badges/issuer"


def key_id(base_url: str) -> str:
    return f"{issuer_id(base_url)}#{KEY_FRAGMENT}"


def achievement_id(base_url: str, reflex: str) -> str:
    return f"{base_url}/badges/achievements/{reflex}"


def revocation_list_id(base_url: str) -> str:
    return f"{base_url}/badges/revoked"


def issuer_summary(base_url: str) -> dict[str, Any]:
    """The issuer as embedded in a credential or an achievement."""
    return {
        "id": issuer_id(base_url),
        "type": ["Profile"],
        "name": texts().issuer.name,
        "url": base_url,
    }


def issuer_profile(base_url: str, key: IssuerKey) -> dict[str, Any]:
    """What `GET /badges/issuer` publishes: the Profile and its public key (Multikey + JWK)."""
    return {
        "@context": CONTEXTS,
        **issuer_summary(base_url),
        "description": texts().issuer.description,
        "verificationMethod": [
            {
                "id": key_id(base_url),
                "type": "Multikey",
                "controller": issuer_id(base_url),
                "publicKeyMultibase": key.multibase,
                "publicKeyJwk": key.public_jwk,
            }
        ],
    }


def achievement(base_url: str, reflex: Criterion) -> dict[str, Any]:
    """One reflex as an OB 3.0 Achievement, criteria in French, aligned to CRCN and DigComp."""
    data = texts()
    text = data.achievements[reflex]
    return {
        "id": achievement_id(base_url, reflex.value),
        "type": ["Achievement"],
        "achievementType": "Competency",
        "name": text.name,
        "description": text.description,
        "criteria": {"narrative": f"{text.criteria} {data.criteria_common}"},
        "alignment": [
            {"type": ["Alignment"], **alignment.model_dump()} for alignment in data.alignments
        ],
        "inLanguage": "fr",
        "creator": issuer_summary(base_url),
    }


def recipient_identity(pseudonym: str, chosen: str | None) -> dict[str, Any]:
    """The chosen identifier as given, or the pseudonym hashed with a fresh salt: only someone
    who already knows the pseudonym can match it, and nothing else in Vigie links the two."""
    if chosen:
        return {
            "type": "IdentityObject",
            "identityType": "identifier",
            "hashed": False,
            "identityHash": chosen,
        }
    salt = secrets.token_hex(16)
    digest = hashlib.sha256((pseudonym + salt).encode()).hexdigest()
    return {
        "type": "IdentityObject",
        "identityType": "ext:VigiePseudonym",
        "hashed": True,
        "identityHash": f"sha256${digest}",
        "salt": salt,
    }


def credential(
    base_url: str,
    *,
    credential_id: str,
    subject_id: str,
    reflex: Criterion,
    identity: dict[str, Any],
    issued_at: datetime,
) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential (the JWT payload adds iss, jti, nbf and sub)."""
    badge = achievement(base_url, reflex)
    return {
        "@context": CONTEXTS,
        "id": credential_id,
        "type": CREDENTIAL_TYPES,
        "issuer": issuer_summary(base_url),
        "validFrom": issued_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "name": f"Badge Vigie : {badge['name']}",
        "credentialSubject": {
            "id": subject_id,
            "type": ["AchievementSubject"],
            "identifier": [identity],
            "achievement": badge,
        },
        "credentialStatus": {
            "id": revocation_list_id(base_url),
            "type": REVOCATION_LIST_TYPE,
        },
    }
