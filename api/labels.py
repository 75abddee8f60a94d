"""The French an educator reads outside templates, loaded once from `educator_fr.yml`.

Never holds French in Python: this module only reads the data file.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

LABELS_FILE = Path(__file__).resolve().parent / "educator_fr.yml"


@cache
def labels() -> dict[str, Any]:
    with LABELS_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)
