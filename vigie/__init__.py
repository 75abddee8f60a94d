"""Vigie's small shared core: typed settings, secrets, pseudonymisation and the CLI.

Core modules import none of the apps (api, actions, bot); only `vigie.cli` reaches into them.
"""
