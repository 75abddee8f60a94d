"""Vigie's composition root: the `vigie` command line, the launcher, the scaled layout.

The only package that may import every app (api, actions, bot, scenarios, vigie); none imports it.
"""
