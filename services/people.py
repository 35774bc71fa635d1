"""Who is asking: their profile (name, time zone) from Slack, kept in the store."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from blocks.common import truncate
from parsing.text import clean_text
from sales.permissions import Actor
from store.db import Database
from store.models import Person
from store.people import get_person, save_profile
from store.teams import managed_person_ids

log = logging.getLogger(__name__)
PROFILE_MAX_AGE = timedelta(hours=24)
MAX_NAME_CHARS, MAX_TZ_CHARS, MAX_LOCALE_CHARS = 200, 64, 16  # the people table's columns
# After users.info fails for someone, their requests go on without asking again for this
# long: a failing or rate-limited Slack is not asked once per command.
FAILED_LOOKUP_TTL = timedelta(minutes=5)


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
        self._failed_lookups: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def known(self, slack_user_id: str) -> Person | None:
        """The stored person, without asking Slack (fast enough to run before a modal opens)."""
        with self._db.reading() as session:
            return get_person(session, slack_user_id)

    def known_or_new(self, slack_user_id: str) -> Person:
        """The stored person, or a new one named by their id until Slack is asked; never asks
        Slack, so it may run before an ack (the profile is fetched on a later request)."""
        person = self.known(slack_user_id)
        if person is not None:
            return person
        with self._db.transaction() as session:
            # If a racing request saved them meanwhile, their fetched profile is kept.
            return get_person(session, slack_user_id) or save_profile(
                session, slack_user_id, display_name=slack_user_id, tz="UTC", locale=None,
                synced_at=None,
            )  # fmt: skip

    def actor_now(self, slack_user_id: str) -> Actor:
        """What the person may do, without asking Slack (for work before an ack)."""
        return self.actor(self.known_or_new(slack_user_id))

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
        if self._offline or self._failed_recently(slack_user_id):
            return None
        try:
            user = self._client.users_info(user=slack_user_id, include_locale=True)["user"]
        except SlackApiError as error:
            log.warning("users.info failed for %s: %s", slack_user_id, error.response.get("error"))
            self._remember_failure(slack_user_id)
            return None
        except OSError as error:  # unreachable, timed out
            log.warning("users.info failed for %s: %s", slack_user_id, error)
            self._remember_failure(slack_user_id)
            return None
        with self._lock:
            self._failed_lookups.pop(slack_user_id, None)
        profile = user.get("profile", {})
        name = (
            profile.get("display_name")
            or profile.get("real_name")
            or user.get("real_name")
            or user.get("name")
            or slack_user_id
        )
        # Slack's profile fields are stored as they come: cleaned and held to their columns.
        tz = clean_text(str(user.get("tz") or "UTC"))
        locale = clean_text(str(user.get("locale") or "")) or None
        return (
            truncate(clean_text(str(name)), MAX_NAME_CHARS),
            tz if len(tz) <= MAX_TZ_CHARS else "UTC",
            locale if locale and len(locale) <= MAX_LOCALE_CHARS else None,
        )

    def _failed_recently(self, slack_user_id: str) -> bool:
        with self._lock:
            failed_at = self._failed_lookups.get(slack_user_id)
        return failed_at is not None and self._clock() - failed_at < FAILED_LOOKUP_TTL

    def _remember_failure(self, slack_user_id: str) -> None:
        now = self._clock()
        with self._lock:
            # Forget expired failures so the map stays as small as the people failing now.
            for user, failed_at in list(self._failed_lookups.items()):
                if now - failed_at >= FAILED_LOOKUP_TTL:
                    del self._failed_lookups[user]
            self._failed_lookups[slack_user_id] = now
