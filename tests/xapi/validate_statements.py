"""Run by `.venv-ralph/bin/python` (Ralph's own environment): validates the JSON list of xAPI
statements on stdin against Ralph's pydantic models; prints one line per invalid statement.

Never imported by the tests (the app's environment has no Ralph): they run it as a script.
"""

from __future__ import annotations

import json
import sys

from pydantic import ValidationError
from ralph.models.xapi.base.statements import BaseXapiStatement

problems = []
for index, statement in enumerate(json.load(sys.stdin)):
    try:
        BaseXapiStatement.model_validate(statement)
    except ValidationError as error:
        problems.append(f"statement {index} ({statement.get('id')}): {error}")
print("\n".join(problems))
sys.exit(1 if problems else 0)
