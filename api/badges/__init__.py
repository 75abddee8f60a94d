"""Open Badges 3.0 credentials for the ten reflexes: the issuer key, the documents, VC-JWT
signing and verification, and the store of what was issued (docs/badges.md).

Never holds a name, an e-mail, a platform id or a pseudonym in the clear.
"""
