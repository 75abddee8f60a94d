"""The time of the processes that wait for a date (the delayed re-test: the action server and
the Telegram bridge), and the test-only offset that moves it a week ahead without sleeping.

Never moves a clock outside tests: settings with an offset are refused when the process looks
deployed (a public URL that is not loopback) or runs on the project's own state directory
(`make run`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from pydantic import Field, model_validator

from vigie.settings import PROJECT_ROOT, VigieSettings

Now = Callable[[], datetime]
LOOPBACK = ("127.0.0.1", "localhost", "::1")  # a test stack's public URL, never a deployment's


def utc_now() -> datetime:
    return datetime.now(UTC)


def shifted(offset_seconds: float) -> Now:
    """The real time moved by `offset_seconds` (0: the real time itself)."""
    if not offset_seconds:
        return utc_now
    offset = timedelta(seconds=offset_seconds)
    return lambda: utc_now() + offset


class ClockSettings(VigieSettings):
    """Settings of a process that reads the time through `now()`."""

    test_clock_offset_seconds: float = Field(
        default=0.0, description="tests only: the process's clock runs this far ahead"
    )

    @model_validator(mode="after")
    def _test_clock_in_tests_only(self) -> ClockSettings:
        if not self.test_clock_offset_seconds:
            return self
        public = urlsplit(self.public_url).hostname not in (None, *LOOPBACK)
        if public or self.var_dir.resolve() == (PROJECT_ROOT / "var").resolve():
            raise ValueError(
                "VIGIE_TEST_CLOCK_OFFSET_SECONDS is for tests only: refused with a public "
                "VIGIE_PUBLIC_URL or on the project's own var/ directory"
            )
        return self

    def now(self) -> Now:
        return shifted(self.test_clock_offset_seconds)
