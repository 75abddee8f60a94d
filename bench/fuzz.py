"""`make fuzz`: random messages through `/chat` (docs/architecture.md §4) on a stack of its own.

Messages of 0 to 10,000 characters: plain and teen French, control characters, right-to-left
text and bidi overrides, emoji sequences (ZWJ, flags, skin tones, keycaps), combining marks,
markdown, HTML and template injections, Rasa payloads (valid and broken), random code points,
whitespace of every kind, lone surrogates; plus malformed bodies. Every answer must be
well formed: 200 → a non-empty list of bot messages with only text/buttons/image/custom/
attachment keys and never the learner's text echoed back; 422 → the API's clear message;
401 for a forged session. Any 5xx is a failure (and the stack must still be up at the end).
Loopback only. Never logs or stores the messages it sends (they are regenerated from the seed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.load import REPLY_KEYS, require_loopback

MAX_CHARS = 2000  # api/schemas/learner.py ChatIn.message, after stripping Unicode white space
# Unicode White_Space (what pydantic's strip removes); Python's str.strip also removes \x1c-\x1f.
WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
WORDS = str.split(
    "salut wesh jsp chai pa c une fake news ou pas ? je vérifierais la source, la date et "
    "l'auteur sur un autre site fiable avant de partager mdr ptdr tkt franchement trop bizarre "
    "cette photo elle date de quand ? recherche inversée google lens ça vient d'où l'info "
    "école collège lycée prof à côté œuvre Noël déjà été où ça"
)
CONTROL = [chr(c) for c in [*range(0, 32), 127, *range(0x80, 0xA0)]] + [
    "\u2028",
    "\u2029",
    "\ufeff",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u200f",
    "\ufffe",
    "\uffff",
    "\ufffd",
]
RTL = [
    "مرحبا كيف حالك",
    "هل هذا الخبر صحيح؟",
    "שלום מה שלומך",
    "\u202eevil\u202c",
    "\u202b",
    "\u202a",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u061c",
    "abc\u202edcba",
]
EMOJI = [
    "👨\u200d👩\u200d👧\u200d👦",
    "🇫🇷",
    "🏳️\u200d🌈",
    "👍🏽",
    "1️⃣",
    "❤️",
    "🤔",
    "😂😂😂",
    "🧑🏿\u200d🚀",
    "\U0001f9d1\u200d\U0001f91d\u200d\U0001f9d1",
    "🫠",
    "\ufe0f",
    "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
    "e\u0301\u0302\u0303\u0304\u0305\u0306\u0307",  # combining marks (zalgo-like)
]
MARKDOWN = [
    "**gras**",
    "_italique_",
    "# Titre\n",
    "[clique](javascript:alert(1))",
    "![img](http://127.0.0.1/x.png)",
    "```\ncode\n```",
    "> citation\n",
    "| a | b |\n|---|---|\n",
    "- [ ] tâche\n",
    "\\*échappé\\*",
    "~~barré~~",
    "<https://exemple.fr>",
]
HTML = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    '"><svg onload=alert(3)>',
    "<iframe src=javascript:alert(4)>",
    "&lt;b&gt;&amp;&#x3C;",
    "<!-- commentaire -->",
    "]]><![CDATA[",
    "{{7*7}}{% raw %}${7*7}",
    "${jndi:ldap://127.0.0.1/a}",
    "'; DROP TABLE events; --",
    "<b>gras</b><style>*{}</style>",
    "\\u003cscript\\u003e",
]
CHOICES = ["/answer_true", "/answer_false", "/answer_unsure", "/ask_hint", "/repeat", "/skip"]
BROKEN_PAYLOADS = [
    "/",
    "//",
    "/choose{",
    '/choose{"choice":',
    '/choose{"choice": 12}',
    '/choose{"choice": null}',
    "/nonexistent_intent",
    '/answer_true{"x":"' + "y" * 50 + '"}',
    "/restart",
    "/session_start",
    "/back",
    "/out_of_scope",
    "/stop",
    "/forget_me",
    "/greet@0.5",
    "/EXTERNAL_event",
]
MALFORMED_BODIES: list[tuple[str, bytes, int]] = [
    ("not json", b"not json{", 422),
    ("empty body", b"", 422),
    ("json array", b"[]", 422),
    ("message number", b'{"session_id": "x", "message": 12}', 422),
    ("message list", b'{"session_id": "x", "message": ["a"]}', 422),
    ("missing message", b'{"session_id": "x"}', 422),
    ("missing session", b'{"message": "salut"}', 422),
    ("extra field", b'{"session_id": "x", "message": "a", "admin": true}', 422),
    ("null message", b'{"session_id": "x", "message": null}', 422),
    ("session too long", json.dumps({"session_id": "x" * 600, "message": "a"}).encode(), 422),
    ("forged session", b'{"session_id": "forged.token.x", "message": "salut"}', 401),
    ("nested depth", b'{"session_id": "x", "message": ' + b"[" * 200 + b"]" * 200 + b"}", 422),
]
KINDS = (
    "french",
    "ascii",
    "control",
    "rtl",
    "emoji",
    "markdown",
    "html",
    "payload",
    "codepoints",
    "whitespace",
    "boundary",
    "surrogate",
    "malformed",
)
WEIGHTS = (14, 8, 10, 8, 10, 8, 10, 10, 8, 4, 4, 3, 3)


def trimmed_length(text: str) -> int:
    return len(text.strip(WHITE_SPACE))


def target_length(rng: random.Random) -> int:
    """Mostly short messages, some long ones, up to 10,000 characters."""
    bucket = rng.random()
    if bucket < 0.45:
        return rng.randint(0, 40)
    if bucket < 0.75:
        return rng.randint(41, 500)
    if bucket < 0.90:
        return rng.randint(501, MAX_CHARS)
    return rng.randint(MAX_CHARS + 1, 10_000)


def _fill(rng: random.Random, length: int, piece: Callable[[], str], sep: str = "") -> str:
    parts: list[str] = []
    size = 0
    while size < length:
        chunk = piece() + sep
        parts.append(chunk)
        size += len(chunk)
    return "".join(parts)[:length]


def _codepoint(rng: random.Random) -> str:
    while True:
        value = rng.choice([rng.randint(0x20, 0x7FF), rng.randint(0x800, 0xFFFF)])
        value = value if rng.random() < 0.9 else rng.randint(0x10000, 0x10FFFF)
        if not 0xD800 <= value <= 0xDFFF:
            return chr(value)


def make_message(rng: random.Random, kind: str, scenario_ids: list[str]) -> str:
    """One random message of the given kind (a str, possibly empty or very long)."""
    length = target_length(rng)
    if kind == "french":
        return _fill(rng, length, lambda: rng.choice(WORDS), " ")
    if kind == "ascii":
        return "".join(chr(rng.randint(32, 126)) for _ in range(length))
    if kind == "control":
        return _fill(rng, length, lambda: rng.choice([*CONTROL, rng.choice(WORDS)]))
    if kind == "rtl":
        return _fill(rng, length, lambda: rng.choice([*RTL, rng.choice(WORDS)]), " ")
    if kind == "emoji":
        return _fill(rng, length, lambda: rng.choice([*EMOJI, rng.choice(WORDS)]))
    if kind == "markdown":
        return _fill(rng, length, lambda: rng.choice([*MARKDOWN, rng.choice(WORDS)]), " ")
    if kind == "html":
        return _fill(rng, length, lambda: rng.choice([*HTML, rng.choice(WORDS)]), " ")
    if kind == "payload":
        pick = rng.random()
        if pick < 0.4 and scenario_ids:
            return '/choose{"choice":"' + rng.choice(scenario_ids) + '"}'
        if pick < 0.6:
            return '/choose{"choice":"' + rng.choice("1234abcd") + '"}'
        if pick < 0.8:
            return rng.choice(CHOICES)
        return rng.choice(BROKEN_PAYLOADS)
    if kind == "codepoints":
        return "".join(_codepoint(rng) for _ in range(length))
    if kind == "whitespace":
        return "".join(rng.choice(WHITE_SPACE + "\x1c\x1d\x1e\x1f") for _ in range(length % 60))
    if kind == "boundary":
        return " " * rng.randint(0, 3) + "a" * rng.randint(MAX_CHARS - 2, MAX_CHARS + 2)
    raise ValueError(kind)


@dataclass
class Case:
    """One request: a message (sent as JSON) or a raw body, and the status it must get."""

    kind: str
    body: bytes
    expected: set[int]
    message: str | None = None


def make_case(rng: random.Random, session: str, scenario_ids: list[str]) -> Case:
    kind = rng.choices(KINDS, WEIGHTS)[0]
    if kind == "malformed":
        label, body, status = rng.choice(MALFORMED_BODIES)
        return Case(f"malformed:{label}", body, {status})
    if kind == "surrogate":
        # A lone surrogate is valid JSON (an escape) but no valid Unicode text.
        text = "salut " + rng.choice(["\\ud800", "\\udfff", "\\ud83d", "a\\udc00b"])
        body = b'{"session_id": "' + session.encode() + b'", "message": "' + text.encode() + b'"}'
        return Case(kind, body, {200, 422})
    message = make_message(rng, kind, scenario_ids)
    body = json.dumps({"session_id": session, "message": message}).encode()
    size = trimmed_length(message)
    if size == 0 or size > MAX_CHARS:
        # \x1c-\x1f are not Unicode white space, so pydantic keeps them: either answer is fine.
        loose = trimmed_length(message.strip()) != size
        expected = {200, 422} if loose else {422}
    else:
        expected = {200}
    return Case(kind, body, expected, message)


def reply_problem(case: Case, status: int, payload: Any) -> str | None:
    """Why an answer is not what the contract promises (None when it is)."""
    if status not in case.expected:
        return f"status {status}, expected {sorted(case.expected)}"
    if status == 422:
        ok = isinstance(payload, dict) and payload.get("detail") == "Requête invalide."
        return None if ok and isinstance(payload.get("errors"), list) else "422 without errors"
    if status == 401:
        return None if isinstance(payload, dict) and "detail" in payload else "401 without detail"
    if not isinstance(payload, list) or not payload:
        return "200 but not a non-empty list"
    for message in payload:
        if not isinstance(message, dict) or not message or not set(message) <= REPLY_KEYS:
            return f"200 with a malformed message: {str(message)[:120]!r}"
        if not isinstance(message.get("text", ""), str):
            return "text is not a string"
        if not isinstance(message.get("image", ""), str):
            return "image is not a string"
        if not isinstance(message.get("custom", {}), dict):
            return "custom is not an object"
        buttons = message.get("buttons", [])
        if not isinstance(buttons, list) or not all(
            isinstance(b, dict) and isinstance(b.get("title"), str) and "payload" in b
            for b in buttons
        ):
            return "buttons are not [{title, payload}]"
    echoed = (case.message or "").strip()
    if len(echoed) >= 12 and any(echoed in str(m.get("text", "")) for m in payload):
        return "the learner's text is echoed back"
    return None


@dataclass
class FuzzResult:
    sent: int = 0
    elapsed: float = 0.0
    statuses: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    lengths: list[int] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)

    def as_dict(self) -> dict:
        cuts = (
            statistics.quantiles(self.latencies, n=100, method="inclusive")
            if len(self.latencies) > 1
            else [0.0] * 99
        )
        return {
            "messages": self.sent,
            "elapsed_s": round(self.elapsed, 1),
            "statuses": dict(sorted(self.statuses.items())),
            "server_errors": self.server_errors,
            "problems": len(self.problems),
            "max_length": max(self.lengths, default=0),
            "p50_ms": round(1000 * cuts[49]),
            "p95_ms": round(1000 * cuts[94]),
            "p99_ms": round(1000 * cuts[98]),
        }


async def run_fuzz(
    api_url: str,
    count: int,
    seed: int = 1,
    concurrency: int = 4,
    session_every: int = 50,
) -> FuzzResult:
    """Send `count` random cases with `concurrency` learners; a learner renews its session
    every `session_every` messages (so conversations are in every state)."""
    from scenarios.loader import default_catalogue

    base = require_loopback(api_url)
    scenario_ids = sorted(default_catalogue().scenarios)
    result = FuzzResult()
    numbers = iter(range(count))
    start = time.perf_counter()
    headers = {"Content-Type": "application/json"}

    async def learner(worker: int, client: httpx.AsyncClient) -> None:
        rng = random.Random(seed * 100_003 + worker)
        session = ""
        for sent, _number in enumerate(numbers):
            if sent % session_every == 0:
                response = await client.post(f"{base}/chat/session", json={})
                response.raise_for_status()
                session = response.json()["session_id"]
            case = make_case(rng, session, scenario_ids)
            began = time.perf_counter()
            try:
                response = await client.post(f"{base}/chat", content=case.body, headers=headers)
                status, text = response.status_code, response.text
            except httpx.HTTPError as error:
                status, text = 0, type(error).__name__
            result.latencies.append(time.perf_counter() - began)
            result.sent += 1
            result.statuses[status] += 1
            result.kinds[case.kind.split(":")[0]] += 1
            result.lengths.append(len(case.message or ""))
            try:
                payload = json.loads(text) if status else None
            except ValueError:
                payload = None
            problem = reply_problem(case, status, payload)
            if problem:
                shown = repr((case.message if case.message is not None else case.body)[:80])
                result.problems.append(f"{case.kind}: {problem} — {shown}")

    timeout = httpx.Timeout(60.0, connect=5.0)
    async with httpx.AsyncClient(timeout=timeout) as client:
        await asyncio.gather(*(learner(worker, client) for worker in range(concurrency)))
    result.elapsed = time.perf_counter() - start
    return result


def main(argv: list[str] | None = None) -> int:
    import shutil
    import sys
    import tempfile
    from pathlib import Path

    parser = argparse.ArgumentParser(prog="python -m bench.fuzz", description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--api-url", help="fuzz a running stack (loopback) instead of a new one")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)

    stack = None
    if args.api_url:
        api_url = require_loopback(args.api_url)
    else:
        from devtools.stack import ARTIFACTS, MODEL, make_stack

        if not MODEL.exists():
            print(f"{MODEL} is missing: run `make model`", file=sys.stderr)
            return 2
        ARTIFACTS.mkdir(exist_ok=True)
        stack = make_stack(Path(tempfile.mkdtemp(prefix="vigie-fuzz-")))
    try:
        if stack is not None:
            stack.start_all()
            api_url = stack.api_url
        result = asyncio.run(run_fuzz(api_url, args.messages, args.seed, args.concurrency))
        alive = stack is None or all(p.popen.poll() is None for p in stack.processes.values())
        healthy = httpx.get(f"{api_url}/health", timeout=10).status_code == 200
    finally:
        if stack is not None:
            stack.stop_all()
            shutil.rmtree(stack.var_dir, ignore_errors=True)
    figures = result.as_dict() | {"kinds": dict(result.kinds), "alive": alive and healthy}
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    for problem in result.problems[:30]:
        print("PROBLEM", problem)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0 if not result.problems and alive and healthy else 1


if __name__ == "__main__":
    raise SystemExit(main())
