"""Vigie's FastAPI app: progress events, web chat, educator side — grouped by role, each layer
importing only those below it: main → routes → web → reports → data → schemas → core.

Never stores a name, a platform id or free text in its database.
"""
