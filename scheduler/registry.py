"""Every scheduled job, by name. A new job is added here and nowhere else."""

from __future__ import annotations

from runtime.settings import Settings
from scheduler.digests import ManagerDigest, WeeklyReview
from scheduler.job import Job
from scheduler.pacing import DailyPacing


def all_jobs(settings: Settings) -> list[Job]:
    return [
        DailyPacing(settings.pacing_time),
        ManagerDigest(settings.digest_time),
        WeeklyReview(settings.digest_time, settings.weekly_digest_day),
    ]
