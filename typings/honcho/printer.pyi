from typing import TextIO

class Printer:
    def __init__(
        self,
        output: TextIO = ...,
        time_format: str = "%H:%M:%S",
        width: int = 0,
        colour: bool = True,
        prefix: bool = True,
    ) -> None: ...
