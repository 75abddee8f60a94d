"""Unit tests of Vigie's custom Rasa components, run by unittest in .venv-rasa (`make test`)."""
