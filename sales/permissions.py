"""Who may see and change what: a rep their own book, admins everything."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The person behind a command or button press, as far as permissions go."""

    slack_user_id: str
    person_id: int
    is_admin: bool

    def sees_everything(self) -> bool:
        return self.is_admin

    def may_change(self, owner_person_id: int) -> bool:
        return self.is_admin or owner_person_id == self.person_id

    def may_see(self, owner_person_id: int) -> bool:
        return self.may_change(owner_person_id)

    def visible_owner(self) -> int | None:
        """The one owner whose records this actor may see, or None for everyone's."""
        return None if self.sees_everything() else self.person_id


class NotAllowed(Exception):
    """The actor may not do this; `message` says so politely and is shown to them."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
