"""How many examples a Hypothesis test tries: its full count in `make test`, a small fixed budget
in `make test-fast` (VIGIE_HYPOTHESIS_PROFILE=fast, Hypothesis's registered "fast" profile).

Never lowers a count in the full run; an unknown profile name is an error, not a silent default.
"""

from __future__ import annotations

import os

from hypothesis import settings

PROFILE_VARIABLE = "VIGIE_HYPOTHESIS_PROFILE"
FAST_EXAMPLES = 10

settings.register_profile("fast", max_examples=FAST_EXAMPLES)


def load_profile() -> None:
    """Load the profile the environment names (Hypothesis's "default" when none)."""
    settings.load_profile(os.environ.get(PROFILE_VARIABLE, "default"))


def examples(full: int) -> int:
    """`full`, or the fast profile's budget when it is loaded and smaller."""
    if os.environ.get(PROFILE_VARIABLE) == "fast":
        return min(full, FAST_EXAMPLES)
    return full
