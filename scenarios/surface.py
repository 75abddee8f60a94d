"""The surface-cue check: can an item's LOOK alone (capitals, « ! », emoji, length, the words of
its source line) predict whether it is reliable? Pure Python, leave-one-out cross-validation.

Measures a set of items; never reads what an item says, and never judges one item.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from scenarios.rules import fold_accents

_TOKEN = re.compile(r"[a-z]{2,}")


@dataclass(frozen=True)
class Sample:
    """One item as the classifier sees it: its text, its source line, and the truth."""

    text: str
    source: str
    reliable: bool


def capitals(sample: Sample) -> float:
    letters = [char for char in sample.text if char.isalpha()]
    return sum(char.isupper() for char in letters) / len(letters) if letters else 0.0


def bangs(sample: Sample) -> float:
    return float(sample.text.count("!"))


def is_emoji(char: str) -> bool:
    return unicodedata.category(char) == "So" or 0x1F000 <= ord(char) <= 0x1FAFF


def emoji(sample: Sample) -> float:
    return float(sum(is_emoji(char) for char in sample.text + sample.source))


def length(sample: Sample) -> float:
    return float(len(sample.text))


STYLE_FEATURES: dict[str, Callable[[Sample], float]] = {
    "capitals ratio": capitals,
    "« ! » count": bangs,
    "emoji count": emoji,
    "length": length,
}


def source_words(sample: Sample) -> frozenset[str]:
    """Words of the source line (author, handle, outlet), folded: « @InfoFlash_24 » → infoflash."""
    return frozenset(_TOKEN.findall(fold_accents(sample.source).lower()))


# ----- classifiers: fit on some samples, predict one ---------------------------------------------

Predictor = Callable[[Sample], bool]
Trainer = Callable[[Sequence[Sample]], Predictor]


def balanced_accuracy(truth: Sequence[bool], predicted: Sequence[bool]) -> float:
    """Mean of the hit rates on reliable and on not-reliable items: always answering the
    majority class scores 50 %, however unbalanced the set (a third of items are reliable)."""
    rates = []
    for label in (True, False):
        pairs = [(t, p) for t, p in zip(truth, predicted, strict=True) if t is label]
        if pairs:
            rates.append(sum(t == p for t, p in pairs) / len(pairs))
    return sum(rates) / len(rates) if rates else 0.0


def stump_trainer(feature: Callable[[Sample], float]) -> Trainer:
    """A one-threshold rule on one feature, the best on the training items."""

    def train(samples: Sequence[Sample]) -> Predictor:
        values = sorted({feature(s) for s in samples})
        cuts = [(a + b) / 2 for a, b in pairwise(values)] or values[:1]
        truth = [s.reliable for s in samples]
        best = (-1.0, 0.0, True)
        for cut in cuts:
            for above_is_reliable in (True, False):
                guesses = [(feature(s) > cut) == above_is_reliable for s in samples]
                score = balanced_accuracy(truth, guesses)
                if score > best[0]:
                    best = (score, cut, above_is_reliable)
        _, cut, above_is_reliable = best
        return lambda sample: (feature(sample) > cut) == above_is_reliable

    return train


def naive_bayes_trainer(samples: Sequence[Sample]) -> Predictor:
    """Bernoulli naive Bayes on the source line's words, equal priors, Laplace smoothing."""
    vocabulary = sorted(set().union(*(source_words(s) for s in samples)))
    log_odds: dict[bool, dict[str, tuple[float, float]]] = {}
    for label in (True, False):
        group = [source_words(s) for s in samples if s.reliable is label]
        log_odds[label] = {}
        for word in vocabulary:
            p = (sum(word in words for words in group) + 1) / (len(group) + 2)
            log_odds[label][word] = (math.log(p), math.log(1 - p))

    def predict(sample: Sample) -> bool:
        words = source_words(sample)
        scores = {
            label: sum(
                present if word in words else absent
                for word, (present, absent) in log_odds[label].items()
            )
            for label in (True, False)
        }
        return scores[True] > scores[False]

    return predict


def leave_one_out(samples: Sequence[Sample], trainer: Trainer) -> float:
    """Balanced accuracy of predicting each item from a rule fitted on all the others."""
    predicted = []
    for index, held_out in enumerate(samples):
        rest = [s for i, s in enumerate(samples) if i != index]
        if len({s.reliable for s in rest}) < 2:
            predicted.append(rest[0].reliable if rest else held_out.reliable)
            continue
        predicted.append(trainer(rest)(held_out))
    return balanced_accuracy([s.reliable for s in samples], predicted)


def classifiers() -> dict[str, Trainer]:
    found: dict[str, Trainer] = {
        f"threshold on {name}": stump_trainer(feature) for name, feature in STYLE_FEATURES.items()
    }
    found["naive Bayes on source-line words"] = naive_bayes_trainer
    return found


def surface_accuracy(samples: Sequence[Sample]) -> dict[str, float]:
    """Each surface classifier's leave-one-out balanced accuracy, best first."""
    if len(samples) < 2:
        return {}
    scores = {name: leave_one_out(samples, trainer) for name, trainer in classifiers().items()}
    return dict(sorted(scores.items(), key=lambda pair: -pair[1]))
