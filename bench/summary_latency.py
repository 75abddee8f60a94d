"""`make bench-api`: latency of GET /api/v1/classes/{code}/summary for a class of 30 learners in
a database of 1,000,000 progress events, on SQLite and on PostgreSQL (throw-away server).

Bounded and local: in-process ASGI calls only, temporary databases deleted at the end.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.core.db import make_engine
from api.core.security.passwords import hash_password
from api.core.security.tokens import BEARER_SALT, CredentialSigner
from api.core.settings import ApiSettings
from api.data.migrate import upgrade
from api.data.models import Classroom, Educator, ProgressEvent
from api.main import create_app
from devtools.postgres import ThrowawayPostgres
from devtools.synthetic import class_history, pseudonym
from scenarios.loader import default_catalogue

CLASS_SIZE = 30
COLUMNS = (
    "id",
    "type",
    "learner_id",
    "scenario_id",
    "step_id",
    "points",
    "max_points",
    "correct",
    "confidence",
    "item_reliable",
    "criteria_found",
    "criteria_expected",
    "occurred_at",
    "received_at",
)


def generate(total: int, seed: int) -> Iterator[tuple[str, list[str], list[tuple]]]:
    """(class code, learners, event rows) per class until exactly `total` events."""
    rng = random.Random(seed)
    catalogue = default_catalogue()
    produced = 0
    number = 0
    origin = datetime(2026, 9, 7, 8, 0, tzinfo=UTC)
    while produced < total:
        number += 1
        code = f"B{number:07d}"
        learners = [pseudonym(rng) for _ in range(CLASS_SIZE)]
        start = origin + timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 8))
        rows = []
        for event in class_history(
            rng, catalogue, learners=learners, start=start, scenario_count=rng.randint(4, 8)
        ):
            at = datetime.fromisoformat(event["occurred_at"])
            rows.append(
                (
                    event["id"],
                    event["type"],
                    event["learner"],
                    event.get("scenario"),
                    event.get("step"),
                    event.get("points"),
                    event.get("max_points"),
                    event.get("correct"),
                    event.get("confidence"),
                    event.get("item_reliable"),
                    json.dumps(event.get("criteria_found", [])),
                    json.dumps(event.get("criteria_expected", [])),
                    at,
                    at,
                )
            )
        rows = rows[: total - produced]
        produced += len(rows)
        yield code, learners, rows


def _sqlite_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def load_sqlite(path: Path, total: int, seed: int, educator_id: int) -> str:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    indexes = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name='progress_events'"
        " AND sql IS NOT NULL"
    ).fetchall()
    for name, _sql in indexes:
        connection.execute(f"DROP INDEX {name}")
    target = ""
    marks = ",".join("?" * len(COLUMNS))
    for code, learners, rows in generate(total, seed):
        target = target or code
        now = _sqlite_time(datetime.now(UTC))
        connection.execute(
            "INSERT INTO classrooms (code, name, educator_id, created_at) VALUES (?,?,?,?)",
            (code, f"Classe {code}", educator_id, now),
        )
        connection.executemany(
            "INSERT INTO learners (id, class_code, first_seen, last_seen) VALUES (?,?,?,?)",
            [(learner, code, now, now) for learner in learners],
        )
        connection.executemany(
            f"INSERT INTO progress_events ({','.join(COLUMNS)}) VALUES ({marks})",
            [(*row[:12], _sqlite_time(row[12]), _sqlite_time(row[13])) for row in rows],
        )
    for _name, sql in indexes:
        connection.execute(sql)
    connection.execute("ANALYZE")
    connection.commit()
    connection.close()
    return target


def load_postgres(url: str, total: int, seed: int, educator_id: int) -> str:
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    target = ""
    with psycopg.connect(dsn) as connection:
        indexes = connection.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'progress_events'"
            " AND indexname <> 'progress_events_pkey'"
        ).fetchall()
        for name, _definition in indexes:
            connection.execute(f'DROP INDEX "{name}"')
        now = datetime.now(UTC)
        with connection.cursor() as cursor:
            for code, learners, rows in generate(total, seed):
                target = target or code
                cursor.execute(
                    "INSERT INTO classrooms (code, name, educator_id, created_at)"
                    " VALUES (%s, %s, %s, %s)",
                    (code, f"Classe {code}", educator_id, now),
                )
                with cursor.copy(
                    "COPY learners (id, class_code, first_seen, last_seen) FROM STDIN"
                ) as copy:
                    for learner in learners:
                        copy.write_row((learner, code, now, now))
                with cursor.copy(f"COPY progress_events ({','.join(COLUMNS)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        for _name, definition in indexes:
            connection.execute(definition)
        connection.commit()
        connection.autocommit = True
        connection.execute("VACUUM ANALYZE")
    return target


def add_educator(engine: Engine) -> Educator:
    from sqlalchemy.orm import Session

    with Session(engine, expire_on_commit=False) as session:
        educator = Educator(
            email="bench@vigie.example", password_hash=hash_password("bench-pw-123")
        )
        session.add(educator)
        session.commit()
        return educator


def measure(settings: ApiSettings, educator: Educator, code: str, requests: int) -> list[float]:
    signer = CredentialSigner(settings.secret("session_key"), salt=BEARER_SALT, max_age_seconds=600)
    token = signer.issue(educator_id=educator.id, password_hash=educator.password_hash)
    headers = {"Authorization": f"Bearer {token}"}
    timings = []
    with TestClient(create_app(settings)) as client:
        for _ in range(5):  # warm-up: caches, connection pool
            assert client.get(f"/api/v1/classes/{code}/summary", headers=headers).status_code == 200
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(f"/api/v1/classes/{code}/summary", headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        body = response.json()
    assert body["active_learners"] == CLASS_SIZE, body["active_learners"]
    return timings


def run_backend(name: str, url: str, var_dir: Path, args: argparse.Namespace) -> dict:
    upgrade(url)
    engine = make_engine(url)
    educator = add_educator(engine)
    started = time.perf_counter()
    if name == "sqlite":
        code = load_sqlite(
            Path(url.removeprefix("sqlite:///")), args.events, args.seed, educator.id
        )
    else:
        code = load_postgres(url, args.events, args.seed, educator.id)
    load_seconds = time.perf_counter() - started
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        events = session.scalar(select(func.count()).select_from(ProgressEvent))
        classes = session.scalar(select(func.count()).select_from(Classroom))
    engine.dispose()
    settings = ApiSettings(var_dir=var_dir, DATABASE_URL=url)
    timings = measure(settings, educator, code, args.requests)
    return {
        "backend": name,
        "events": events,
        "classes": classes,
        "load_s": load_seconds,
        "median_ms": statistics.median(timings),
        "p95_ms": statistics.quantiles(timings, n=20, method="inclusive")[18],
        "max_ms": max(timings),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--target-ms", type=float, default=200.0)
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="vigie-bench-") as tmp:
        var_dir = Path(tmp)
        if args.backend in ("sqlite", "both"):
            url = f"sqlite:///{var_dir / 'bench.db'}"
            results.append(run_backend("sqlite", url, var_dir, args))
        if args.backend in ("postgresql", "both"):
            server = ThrowawayPostgres().start()
            try:
                url = server.create_database("vigie_bench")
                results.append(run_backend("postgresql", url, var_dir, args))
            finally:
                server.stop()
    print(
        f"\nGET /api/v1/classes/{{code}}/summary — class of {CLASS_SIZE} learners, "
        f"{args.requests} requests after 5 warm-up, in-process ASGI"
    )
    print(
        f"{'backend':<11} {'events':>9} {'classes':>7} {'load s':>7} "
        f"{'median ms':>9} {'p95 ms':>7} {'max ms':>7}  target p95 ≤ {args.target_ms:.0f} ms"
    )
    ok = True
    for r in results:
        verdict = "OK" if r["p95_ms"] <= args.target_ms else "SLOW"
        ok &= verdict == "OK"
        print(
            f"{r['backend']:<11} {r['events']:>9} {r['classes']:>7} {r['load_s']:>7.1f} "
            f"{r['median_ms']:>9.1f} {r['p95_ms']:>7.1f} {r['max_ms']:>7.1f}  {verdict}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
