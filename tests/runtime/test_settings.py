"""Settings: sensible defaults, and one clear line per wrong value, all reported at once."""

from __future__ import annotations

import pytest

import bot
from runtime.settings import Settings, SettingsError, load_settings

MINIMAL = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_SIGNING_SECRET": "s3cr3t-signing"}


def problems(env: dict[str, str], *, need_slack: bool = True) -> list[str]:
    with pytest.raises(SettingsError) as raised:
        load_settings(env, need_slack=need_slack)
    assert str(raised.value) == "\n".join(raised.value.problems)
    return raised.value.problems


def test_defaults() -> None:
    settings = load_settings(MINIMAL)
    assert settings == Settings(
        slack_bot_token="xoxb-1-2-abc",
        slack_signing_secret="s3cr3t-signing",
        slack_app_token=None,
        port=3000,
        database_url="sqlite:///salesbot.db",
        slack_api_url="https://slack.com/api/",
        admin_user_ids=frozenset(),
        default_currency="USD",
        log_level="INFO",
    )
    assert not settings.socket_mode


def test_every_setting_is_read() -> None:
    settings = load_settings(
        {
            **MINIMAL,
            "SLACK_APP_TOKEN": "xapp-1-A1-xyz",
            "PORT": "8080",
            "DATABASE_URL": "postgresql+psycopg://u:p@db/salesbot",
            "SLACK_API_URL": "http://proxy.internal/api",
            "ADMIN_USER_IDS": " U012AB3CD, W0ABCDEF ,",
            "DEFAULT_CURRENCY": "cny",
            "LOG_LEVEL": "debug",
        }
    )
    assert settings.socket_mode
    assert settings.port == 8080
    assert settings.database_url == "postgresql+psycopg://u:p@db/salesbot"
    assert settings.slack_api_url == "http://proxy.internal/api/"
    assert settings.admin_user_ids == {"U012AB3CD", "W0ABCDEF"}
    assert (settings.default_currency, settings.log_level) == ("CNY", "DEBUG")
    assert settings.secrets() == ["xoxb-1-2-abc", "s3cr3t-signing", "xapp-1-A1-xyz"]


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("SLACK_BOT_TOKEN", "xoxp-user-token", "xoxb-"),
        ("SLACK_APP_TOKEN", "xoxb-not-an-app-token", "xapp-"),
        ("PORT", "abc", "'abc'"),
        ("PORT", "70000", "'70000'"),
        ("PORT", "0", "1 to 65535"),
        ("DATABASE_URL", "not a url", "sqlite:///salesbot.db"),
        ("ADMIN_USER_IDS", "U012AB3CD,@rita", "@rita"),
        ("DEFAULT_CURRENCY", "dollars", "ISO 4217"),
        ("LOG_LEVEL", "verbose", "DEBUG, INFO, WARNING, ERROR"),
        ("SLACK_API_URL", "slack.com/api/", "https://"),
    ],
)
def test_a_wrong_value_gets_one_line_naming_the_setting(name: str, value: str, says: str) -> None:
    [line] = problems({**MINIMAL, name: value})
    assert line.startswith(name)
    assert says in line
    assert "\n" not in line


def test_every_problem_is_reported_together() -> None:
    found = problems(
        {
            "SLACK_BOT_TOKEN": "nope",
            "PORT": "abc",
            "DEFAULT_CURRENCY": "dollars",
            "LOG_LEVEL": "loud",
        }
    )
    assert [line.split()[0] for line in found] == [
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "PORT",
        "DEFAULT_CURRENCY",
        "LOG_LEVEL",
    ]


def test_missing_tokens_are_named() -> None:
    found = problems({})
    assert [line.split()[0] for line in found] == ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]
    assert "missing" in found[0]
    assert "SLACK_APP_TOKEN" in found[1]  # points at Socket Mode as the alternative


def test_blank_values_count_as_unset() -> None:
    settings = load_settings({**MINIMAL, "PORT": "  ", "SLACK_APP_TOKEN": "", "LOG_LEVEL": " "})
    assert (settings.port, settings.slack_app_token, settings.log_level) == (3000, None, "INFO")


def test_socket_mode_needs_no_signing_secret() -> None:
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    assert settings.socket_mode
    assert settings.slack_signing_secret is None


def test_commands_that_never_talk_to_slack_need_no_tokens() -> None:
    settings = load_settings({"DATABASE_URL": "sqlite:///x.db"}, need_slack=False)
    assert settings.database_url == "sqlite:///x.db"
    # ...but a token that is given must still be right.
    assert problems({"SLACK_BOT_TOKEN": "xoxp-1"}, need_slack=False)[0].startswith(
        "SLACK_BOT_TOKEN"
    )


@pytest.mark.usefixtures("empty_environment")
def test_bot_without_settings_lists_the_problems_and_exits_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert bot.main([]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "salesbot cannot start" in err
    assert "  - SLACK_BOT_TOKEN is missing" in err
    assert "  - SLACK_SIGNING_SECRET is missing" in err
    assert "Traceback" not in err


def test_tier_cadence_is_read_per_tier_and_wrong_values_are_named() -> None:
    assert load_settings(MINIMAL).tier_cadence_days == {"core": 14, "growth": 30, "longtail": 90}
    chosen = load_settings({**MINIMAL, "TIER_CADENCE_DAYS": "core=7, long-tail=120"})
    assert chosen.tier_cadence_days == {"core": 7, "growth": 30, "longtail": 120}
    for wrong in ("core=0", "gold=10", "core=seven", "core=400"):
        with pytest.raises(SettingsError) as caught:
            load_settings({**MINIMAL, "TIER_CADENCE_DAYS": wrong})
        assert "TIER_CADENCE_DAYS must look like core=14,growth=30,longtail=90" in str(caught.value)


def test_stage_probability_defaults_overrides_and_wrong_values() -> None:
    assert load_settings(MINIMAL).stage_probability == {
        "lead": 10,
        "qualified": 20,
        "contacted": 30,
        "proposal": 50,
        "negotiation": 70,
    }
    chosen = load_settings({**MINIMAL, "STAGE_PROBABILITY": "lead=5, negotiation=90%"})
    assert chosen.stage_probability["lead"] == 5
    assert chosen.stage_probability["negotiation"] == 90
    assert chosen.stage_probability["proposal"] == 50
    for wrong in ("won=100", "lead=101", "lead=ten", "lead"):
        with pytest.raises(SettingsError) as caught:
            load_settings({**MINIMAL, "STAGE_PROBABILITY": wrong})
        assert "STAGE_PROBABILITY must look like lead=10,proposal=50" in str(caught.value)
