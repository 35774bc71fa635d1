from __future__ import annotations

from translations import ENGLISH, Language, Text, render


class ParseError(ValueError):
    """Input a person typed that we could not understand.

    `text` says what was wrong in plain words; `example_text` is a correct input to copy.
    Both are shown to the person, so they must never contain internals. They are Text (or
    plain strings for examples that are commands, which read the same in every language):
    render them in the reader's language with `message_in` and `example_in`.
    """

    def __init__(self, message: Text | str, example: Text | str | None = None) -> None:
        super().__init__(str(message))
        self.text = message
        self.example_text = example

    def message_in(self, language: Language) -> str:
        return render(language, self.text)

    def example_in(self, language: Language) -> str | None:
        return None if self.example_text is None else render(language, self.example_text)

    @property
    def message(self) -> str:
        """The message in English, for listeners not yet converted to the reader's language."""
        return self.message_in(ENGLISH)

    @property
    def example(self) -> str | None:
        return self.example_in(ENGLISH)
