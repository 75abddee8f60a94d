"""Security helpers: password hashing, signed tokens and chat sessions, CSRF, rate limits.

Never logs a password, a hash or a token.
"""
