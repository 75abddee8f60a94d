"""Starts the Rasa SDK action server on loopback, accepting only calls that carry the action
token (its own secret, not Rasa's: `VIGIE_ACTION_TOKEN`, endpoints.yml).

rasa-sdk has no authentication of its own; this wraps its app, and never logs the token. Its
files (the outbox) are its user's only (umask 077).
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
from functools import partial

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app_for_serve
from rasa_sdk.executor import ActionExecutor
from sanic import DefaultSanic, HTTPResponse, Request, Sanic, response
from sanic.worker.loader import AppLoader

from actions.settings import ActionSettings, get_settings
from vigie.scrub import install_log_scrubber
from vigie.settings import startup_settings

ACTIONS_MODULE = "actions.actions"
PROTECTED_PATHS = frozenset({"/webhook", "/actions"})


def secured_app(executor: ActionExecutor, token: str) -> DefaultSanic:
    """rasa-sdk's own app, with a check of the `token` query parameter Rasa adds."""
    app = create_app_for_serve(executor, cors_origins=None)

    @app.on_request
    async def _require_token(request: Request) -> HTTPResponse | None:
        if request.path not in PROTECTED_PATHS:
            return None
        given = request.args.get("token", "")
        if not hmac.compare_digest(given.encode(), token.encode()):
            return response.json({"error": "missing or invalid token"}, status=401)
        return None

    return app


def build_app(settings: ActionSettings) -> DefaultSanic:
    """The action server as it runs: Vigie's actions, behind the action token."""
    executor = ActionExecutor()
    executor.register_package(ACTIONS_MODULE)
    return secured_app(executor, settings.secret("action_token"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5055)
    args = parser.parse_args(argv)
    os.umask(0o077)
    settings = startup_settings(get_settings, "action server")
    utils.configure_colored_logging("INFO")
    install_log_scrubber()
    logging.getLogger("matplotlib").setLevel(logging.WARNING)
    loader = AppLoader(factory=partial(build_app, settings))
    app = loader.load()
    # One process, no Sanic manager: stopping it can never leave an orphaned worker behind.
    app.prepare(host=args.host, port=args.port, single_process=True, access_log=False)
    Sanic.serve_single(primary=app)


if __name__ == "__main__":
    main()
