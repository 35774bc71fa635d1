from __future__ import annotations


class ParseError(ValueError):
    """Input a person typed that we could not understand.

    `message` says what was wrong in plain words; `example` is a correct input to copy.
    Both are shown to the person, so they must never contain internals.
    """

    def __init__(self, message: str, example: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.example = example
