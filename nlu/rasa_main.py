"""`rasa` as Vigie starts it: Rasa's own command line, after two speed fixes to Rasa 3.6.

1. Rasa 3.6 checks every action-server answer with `jsonschema.validate`, which re-checks Rasa's
   fixed response schema against the JSON-Schema metaschema on each call (a third of Rasa's CPU
   per reply, docs/benchmarks.md). Here the validator is built once; answers are checked exactly
   as before and a malformed one is still refused with the same error.
2. Rasa 3.6 runs the whole NLU pipeline (DIET, the logistic regression, every featurizer) on a
   button's payload (`/choose_option{"choice":"b"}`), then its `RegexMessageHandler`, last in the
   graph, replaces all of it with the intent and entities written in the payload. Here a payload
   naming a known intent is read by that same handler without the pipeline: the same parse, for
   most of a learner's messages, without a quarter of Rasa's CPU per reply.

Never changes anything else.
"""

from __future__ import annotations

import sys
from typing import Any

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

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


_PARSE_WITH_GRAPH = MessageProcessor._parse_message_with_graph


def parse_message_with_graph(
    processor: MessageProcessor,
    message: UserMessage,
    tracker: DialogueStateTracker,
    only_output_properties: bool = True,
) -> dict[str, Any]:
    """Rasa's parse; a payload naming a known intent skips the pipeline it would discard.

    Anything else (typed text, an unknown intent, a malformed payload) goes through the graph."""
    text = (message.text or "").strip()
    if text.startswith(INTENT_MESSAGE_PREFIX):
        unpacked = YAMLStoryReader.unpack_regex_message(
            Message(data={TEXT: text}),
            processor.domain,
            entity_extractor_name=RegexMessageHandler.__name__,
        )
        if unpacked.get(INTENT):  # what the graph's last node would have returned
            parse_data: dict[str, Any] = {
                TEXT: "",
                INTENT: {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0},
                ENTITIES: [],
            }
            parse_data.update(unpacked.as_dict(only_output_properties=only_output_properties))
            return parse_data
    return _PARSE_WITH_GRAPH(processor, message, tracker, only_output_properties)


def install() -> None:
    """Replace Rasa's per-call validation by the built-once one, and let payloads skip the NLU
    pipeline (idempotent)."""
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
    MessageProcessor._parse_message_with_graph = parse_message_with_graph  # type: ignore[method-assign]


def main() -> None:
    from rasa.__main__ import main as rasa_main

    install()
    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
