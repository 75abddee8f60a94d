# The parts of psutil that devtools/ and bench/ use, copied from psutil 7's signatures
# (psutil ships no types; types-psutil is not a dependency).
from collections.abc import Iterator
from typing import Any, NamedTuple

class Error(Exception): ...
class NoSuchProcess(Error): ...

class pcputimes(NamedTuple):
    user: float
    system: float
    children_user: float
    children_system: float

class pmem(NamedTuple):
    rss: int
    vms: int

class svmem(NamedTuple):
    total: int
    available: int

class Process:
    pid: int
    info: dict[str, Any]
    def __init__(self, pid: int | None = None) -> None: ...
    def children(self, recursive: bool = False) -> list[Process]: ...
    def cmdline(self) -> list[str]: ...
    def cpu_times(self) -> pcputimes: ...
    def memory_info(self) -> pmem: ...
    def kill(self) -> None: ...

def process_iter(attrs: list[str] | None = None) -> Iterator[Process]: ...
def wait_procs(
    procs: list[Process], timeout: float | None = None
) -> tuple[list[Process], list[Process]]: ...
def virtual_memory() -> svmem: ...
