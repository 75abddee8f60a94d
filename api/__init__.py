"""Vigie's FastAPI app: progress events, web chat, educator side.

Never stores a name, a platform id or free text in its database.
"""
