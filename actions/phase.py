"""Where a learner is in the conversation: the engine's and the quiz's shared vocabulary.

Holds names only; no behaviour.
"""

from enum import StrEnum


class Phase(StrEnum):
    IDLE = "idle"
    STEP = "step"
    CONFIDENCE = "confidence"
    CONFIRM_FORGET = "confirm_forget"
    QUIZ = "quiz"
    MISSION = "mission"  # « Dans la peau du manipulateur » (actions/manipulator.py)
