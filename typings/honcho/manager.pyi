from collections.abc import Mapping

from honcho.printer import Printer

class Manager:
    returncode: int | None
    def __init__(self, printer: Printer | None = None) -> None: ...
    def add_process(
        self,
        name: str,
        cmd: str,
        quiet: bool = False,
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
    ) -> None: ...
    def loop(self) -> None: ...
    def terminate(self) -> None: ...
    def kill(self) -> None: ...
