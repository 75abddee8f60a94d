"""Vigie's small shared core: typed settings, secrets, pseudonyms, protocol, Rasa relay, scrubber.

A leaf: it imports none of the apps (api, actions, bot, scenarios) nor ops/, which starts them.
"""
