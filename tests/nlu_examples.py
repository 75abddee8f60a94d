"""The NLU examples as (intent, text) pairs, read from Rasa's YAML files for the data tests."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from vigie.settings import PROJECT_ROOT

ENTITY = re.compile(r"\[([^\]]*)\]\([^)]*\)")  # "[la b](choice)" → "la b"


def examples(path: Path) -> list[tuple[str, str]]:
    """Every `- example` line of the file's intent blocks, entity markup removed."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for block in data.get("nlu") or []:
        if "intent" in block:
            for line in block["examples"].splitlines():
                line = line.strip()
                if line.startswith("- "):
                    out.append((block["intent"], ENTITY.sub(r"\1", line[2:])))
    return out


TRAINING = [
    ex for path in sorted((PROJECT_ROOT / "nlu" / "intents").glob("*.yml")) for ex in examples(path)
]
DEV = examples(PROJECT_ROOT / "tests" / "nlu" / "dev.yml")
