"""Keeps the app environment's pytest out of this folder: its tests import Rasa.

They run in the Rasa environment: `.venv-rasa/bin/python -m unittest discover -s
tests/rasa_components -t .` (a step of `make test`).
"""

collect_ignore_glob = ["test_*.py"]
