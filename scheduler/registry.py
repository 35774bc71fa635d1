"""Every scheduled job, by name. A new job is added here and nowhere else."""

from __future__ import annotations

from runtime.settings import Settings
from scheduler.case_review import CasePrompt, CaseReminder, CaseSummary
from scheduler.celebrations import Celebrations
from scheduler.digests import ManagerDigest, WeeklyReview
from scheduler.follow_ups import DailyFollowUps
from scheduler.job import Job
from scheduler.pacing import DailyPacing
from scheduler.payments import PaymentAlerts
from scheduler.tier_suggestions import TierSuggestionsJob


def all_jobs(settings: Settings) -> list[Job]:
    return [
        DailyPacing(settings.pacing_time),
        ManagerDigest(settings.digest_time),
        WeeklyReview(settings.digest_time, settings.weekly_digest_day),
        CasePrompt(settings.case_prompt_weekday, settings.case_prompt_time),
        CaseReminder(settings.case_prompt_weekday, settings.follow_up_time),
        CaseSummary(settings.case_prompt_weekday, settings.follow_up_time),
        DailyFollowUps(settings.follow_up_time),
        PaymentAlerts(settings.payment_alert_time, settings.alert_rules, settings.finance_channel),
        TierSuggestionsJob(settings.digest_time),
        Celebrations(),
    ]
