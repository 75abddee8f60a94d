"""The scenario catalogue: schema, loader and the YAML files themselves.

Shared by the action server and the API; never imports either of them.
"""
