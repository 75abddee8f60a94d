"""`rasa` as Vigie starts it: Rasa's own command line, after one speed fix to Rasa 3.6.

Rasa 3.6 checks every action-server answer with `jsonschema.validate`, which re-checks Rasa's
fixed response schema against the JSON-Schema metaschema on each call (a third of Rasa's CPU per
reply, docs/benchmarks.md). Here the validator is built once; answers are checked exactly as
before and a malformed one is still refused with the same error. Never changes anything else.
"""

from __future__ import annotations

import sys
from typing import Any

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

_SPEC = RemoteAction.action_response_format_spec()
_VALIDATOR_CLASS = validator_for(_SPEC)
_VALIDATOR_CLASS.check_schema(_SPEC)  # what `jsonschema.validate` did on every call, once
_VALIDATOR = _VALIDATOR_CLASS(_SPEC)
_ORIGINAL = RemoteAction._validate_action_result


def validate_action_result(_action: RemoteAction, result: dict[str, Any]) -> bool:
    """Rasa's check of an action-server answer, with the validator built once.

    Same outcome as Rasa's: True, or (through Rasa's own code, for its message) the error."""
    if best_match(_VALIDATOR.iter_errors(result)) is None:
        return True
    return _ORIGINAL(_action, result)


def install() -> None:
    """Replace Rasa's per-call validation by the built-once one (idempotent)."""
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


def main() -> None:
    from rasa.__main__ import main as rasa_main

    install()
    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
