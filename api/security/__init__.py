"""Educator-side security helpers: password hashing, signed tokens, CSRF, login throttling.

Never logs a password, a hash or a token.
"""
