"""Who may see and change what: a rep their own book, a manager their teams', admins all."""

from __future__ import annotations

from dataclasses import dataclass, field

from translations import Text


@dataclass(frozen=True)
class Actor:
    """The person behind a command or button press, as far as permissions go."""

    slack_user_id: str
    person_id: int
    is_admin: bool
    # Everyone on the teams this person manages.
    managed_person_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_manager(self) -> bool:
        return bool(self.managed_person_ids)

    def sees_everything(self) -> bool:
        return self.is_admin

    def may_change(self, owner_person_id: int) -> bool:
        return (
            self.is_admin
            or owner_person_id == self.person_id
            or owner_person_id in self.managed_person_ids
        )

    def may_see(self, owner_person_id: int) -> bool:
        return self.may_change(owner_person_id)

    def visible_owners(self) -> frozenset[int] | None:
        """The people whose records this actor may see, or None for everyone's."""
        if self.sees_everything():
            return None
        return self.managed_person_ids | {self.person_id}


class NotAllowed(Exception):
    """The actor may not do this; `message` says so politely and is shown to them (a Text,
    rendered in the reader's language with `translations.render`)."""

    def __init__(self, message: Text | str) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class CaseReader:
    """Whose cases someone may read (the case library is the team's): their own, and those
    of every team they are a member or a manager of; an admin's `team_ids` is None: all."""

    person_id: int
    team_ids: frozenset[int] | None

    def may_read(self, author_id: int, team_id: int | None) -> bool:
        return (
            self.team_ids is None
            or author_id == self.person_id
            or (team_id is not None and team_id in self.team_ids)
        )
