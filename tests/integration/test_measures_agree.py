"""Through `/chat` and the educator API: five learners of a class take the quiz twice; the
figures each one reads in the chat (end of quiz, « mes progrès ») and the class figures of the
dashboard are the same numbers for the same answers (scenarios/measures.py, issue 12)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import fmean

import httpx
import pytest

from api.reports.anonymity import rate
from devtools.wait import wait_for
from scenarios.loader import default_catalogue
from scenarios.schema import QuizItem
from tests.conftest import Stack
from tests.integration.test_foundation import say
from tests.play import choose, texts

pytestmark = pytest.mark.integration
QUIZ = default_catalogue().quiz
EDUCATOR = ("mesures@college.example", "mot-de-passe-des-mesures")
LEARNERS = 5  # k: the class figures are shown
PRE = re.compile(
    r"repéré (\d+) % des messages pas fiables et reconnu (\d+) % des messages fiables : "
    r"ton discernement est de (\d+) %"
)
POST = re.compile(
    r"Cette fois : (\d+) % des messages pas fiables repérés, (\d+) % des messages fiables "
    r"reconnus\. Ton discernement : (\d+) %, contre (\d+) % au premier quiz \(([+-]\d+) points\)"
)
PROGRESS = re.compile(r"discernement de (\d+) % au premier quiz, (\d+) % au second \(([+-]\d+)")
Plan = Callable[[int, int, QuizItem], str]  # (learner, position among its kind, item) → payload


def pre_plan(learner: int, nth: int, item: QuizItem) -> str:
    """Learner j misses the first j fakes; even learners say « je ne sais pas » to five reliable
    items, odd ones misjudge one: every learner's rates are whole percentages."""
    if not item.reliable:
        return "/answer_true" if nth < learner else "/answer_false"
    if learner % 2 == 0:
        return "/answer_unsure" if nth < 5 else "/answer_true"
    return "/answer_false" if nth == 0 else "/answer_true"


def post_plan(learner: int, nth: int, item: QuizItem) -> str:
    if not item.reliable:
        return "/answer_true" if nth < learner // 2 else "/answer_false"
    return "/answer_true"


@dataclass
class Learner:
    session: str
    chat: dict[str, list[int]] = field(default_factory=dict)


def educator_headers(stack: Stack) -> dict[str, str]:
    email, password = EDUCATOR
    stack.create_educator(email, password)
    token = httpx.post(
        f"{stack.api_url}/api/v1/auth/token",
        data={"username": email, "password": password},
        timeout=30,
    )
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def take_quiz(stack: Stack, learner: Learner, index: int, plan: Plan) -> str:
    """Start the quiz, recognise the form from its first item, answer by the plan."""
    assert QUIZ is not None
    replies = texts(say(stack, learner.session, choose("quiz")))
    (items,) = [form for form in QUIZ.forms.values() if form[0].text.fr in replies]
    seen = {True: 0, False: 0}
    for item in items:
        payload = plan(index, seen[item.reliable], item)
        seen[item.reliable] += 1
        replies = texts(say(stack, learner.session, payload))
    return replies


def test_the_chat_and_the_dashboard_give_the_same_figures(stack: Stack) -> None:
    headers = educator_headers(stack)
    created = httpx.post(
        f"{stack.api_url}/api/v1/classes", json={"name": "4e mesures"}, headers=headers, timeout=30
    )
    assert created.status_code == 201, created.text
    code = created.json()["code"]
    learners = []
    for _ in range(LEARNERS):
        session = httpx.post(f"{stack.api_url}/chat/session", json={"class_code": code}, timeout=10)
        assert session.status_code == 201, session.text
        learners.append(Learner(session.json()["session_id"]))

    for index, learner in enumerate(learners):
        done = take_quiz(stack, learner, index, pre_plan)
        pre = PRE.search(done)
        assert pre is not None, done
        fake, reliable, discernment = map(int, pre.groups())
        learner.chat["pre"] = [fake, reliable, discernment]
        done = take_quiz(stack, learner, index, post_plan)
        post = POST.search(done)
        assert post is not None, done
        fake, reliable, discernment, before, gain = map(int, post.groups())
        assert before == learner.chat["pre"][2]
        learner.chat["post"] = [fake, reliable, discernment]
        learner.chat["gain"] = [gain]
        progress = PROGRESS.search(texts(say(stack, learner.session, "/show_progress")))
        assert progress is not None
        assert list(map(int, progress.groups())) == [before, discernment, gain]

    def class_figures() -> dict:
        body = httpx.get(
            f"{stack.api_url}/api/v1/classes/{code}/summary", headers=headers, timeout=30
        ).json()
        return body if body["quiz"]["gain"]["learners"] == LEARNERS else {}

    quiz = wait_for(class_figures, 60, every=0.3)["quiz"]
    assert quiz, "the quiz answers did not reach the dashboard"

    def published(part: str, position: int) -> float | None:
        """What the dashboard must show: the mean of the learners' own figures, rounded."""
        mean = fmean(learner.chat[part][position] for learner in learners) / 100
        return rate(mean, learners=LEARNERS, k=LEARNERS)

    measures = ["fake_detection", "reliable_detection", "discernment"]
    for part in ("pre", "post"):
        for position, measure in enumerate(measures):
            assert quiz[part][measure] == published(part, position), (part, measure)
    assert quiz["gain"]["discernment"] == published("gain", 0)
    # the plans were chosen so that the learners differ: the check is not a coincidence
    assert len({tuple(learner.chat["pre"]) for learner in learners}) > 2
