"""The item cards of the scenarios, drawn with Pillow into scenarios/images/ (`make images`).

An offline tool: the runtime only serves the PNG files; never imported by a runtime package.
"""
