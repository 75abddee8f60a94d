"""The Messenger Platform and Instagram messaging bridge: Meta's webhooks relayed to Rasa.

Never logs message text, platform ids or tokens, and never stores a platform id.
"""
