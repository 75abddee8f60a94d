"""What Vigie's untrained Rasa 3.6 graph components share: they are made from their config
alone (config.yml over their defaults), declared as class attributes.

Never trains, loads or persists anything: a component that does is not one of these.
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage


class ConfiguredComponent(GraphComponent):
    """`requires`: the components that must run before; `defaults`: the default config."""

    requires: ClassVar[tuple[type, ...]] = ()
    defaults: ClassVar[dict[str, Any]] = {}

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        self.component_config = self.get_default_config() if config is None else config

    @classmethod
    def required_components(cls) -> list[type]:
        return list(cls.requires)

    @classmethod
    def get_default_config(cls) -> dict[str, Any]:
        return copy.deepcopy(cls.defaults)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Raise rasa's InvalidConfigException on a config that cannot work; none by default."""

    @classmethod
    def from_config(cls, config: dict[str, Any], name: str) -> ConfiguredComponent:
        """The component of graph node `name`, its config validated."""
        cls.validate_config(config)
        return cls(config)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ConfiguredComponent:
        return cls.from_config(config, execution_context.node_name)
