"""Who is asking: their profile (name, time zone) from Slack, kept in the store."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from sales.permissions import Actor
from store.db import Database
from store.models import Person
from store.people import get_person, save_profile
from store.teams import managed_person_ids

log = logging.getLogger(__name__)
PROFILE_MAX_AGE = timedelta(hours=24)


class People:
    def __init__(
        self,
        db: Database,
        client: WebClient,
        admin_user_ids: frozenset[str],
        clock: Callable[[], datetime],
        *,
        offline: bool = False,
    ) -> None:
        self._offline = offline  # no Slack to ask (e.g. a dry run without a token)
        self._db = db
        self._client = client
        self._admins = admin_user_ids
        self._clock = clock

    def known(self, slack_user_id: str) -> Person | None:
        """The stored person, without asking Slack (fast enough to run before a modal opens)."""
        with self._db.reading() as session:
            return get_person(session, slack_user_id)

    def person(self, slack_user_id: str) -> Person:
        """The person, their profile fetched from Slack when new or older than a day."""
        person = self.known(slack_user_id)
        now = self._clock()
        if person and person.profile_synced_at and now - person.profile_synced_at < PROFILE_MAX_AGE:
            return person
        profile = self._fetch_profile(slack_user_id)
        with self._db.transaction() as session:
            if profile is None and person is not None:
                return person
            name, tz, locale = profile or (slack_user_id, "UTC", None)
            return save_profile(
                session,
                slack_user_id,
                display_name=name,
                tz=tz,
                locale=locale,
                synced_at=now if profile else None,
            )

    def fresh(self, person: Person) -> Person:
        """`person` as loaded with others (no query), unless their profile is new or older than
        a day: then fetched from Slack again, as `person()` does."""
        synced = person.profile_synced_at
        if synced is not None and self._clock() - synced < PROFILE_MAX_AGE:
            return person
        return self.person(person.slack_user_id)

    def actor_for(self, slack_user_id: str) -> Actor:
        """What the person behind a request may do (their profile refreshed when stale)."""
        return self.actor(self.person(slack_user_id))

    def actor(self, person: Person) -> Actor:
        """What this person may do; looked up on every command and button press."""
        with self._db.reading() as session:
            managed = managed_person_ids(session, person.id)
        return Actor(
            slack_user_id=person.slack_user_id,
            person_id=person.id,
            is_admin=person.slack_user_id in self._admins,
            managed_person_ids=managed,
        )

    def _fetch_profile(self, slack_user_id: str) -> tuple[str, str, str | None] | None:
        if self._offline:
            return None
        try:
            user = self._client.users_info(user=slack_user_id, include_locale=True)["user"]
        except SlackApiError as error:
            log.warning("users.info failed for %s: %s", slack_user_id, error.response.get("error"))
            return None
        profile = user.get("profile", {})
        name = (
            profile.get("display_name")
            or profile.get("real_name")
            or user.get("real_name")
            or user.get("name")
            or slack_user_id
        )
        return name, user.get("tz") or "UTC", user.get("locale")
