"""upload_png against the fake Slack Web API, through a real slack_sdk WebClient."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.error import HTTPError

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from charts import burn_up_png, funnel_png
from charts.examples import example_burn_up, example_funnel
from services.uploads import upload_png
from tests.charts.png import read_png
from tests.support.fake_slack import FakeSlack

UPLOAD_STEPS = ["files.getUploadURLExternal", "file_upload", "files.completeUploadExternal"]


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    server = FakeSlack().start()
    yield server
    assert server.problems == []
    server.stop()


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.api_url)


@pytest.fixture(scope="module")
def burn_up() -> bytes:
    return burn_up_png(example_burn_up())


def test_a_chart_reaches_slack_as_a_png_with_its_title(
    fake: FakeSlack, client: WebClient, burn_up: bytes
) -> None:
    file_id = upload_png(
        client,
        channel="C0TEAM",
        png=burn_up,
        filename="burn-up-team-east.png",
        title="Team East revenue — November 2026",
        comment="Weekly digest",
    )

    assert [call.method for call in fake.calls()] == UPLOAD_STEPS
    assert all(call.status == 200 for call in fake.calls())
    get_url, posted, complete = fake.calls()
    assert get_url.params["filename"] == "burn-up-team-east.png"
    assert int(get_url.params["length"]) == len(burn_up)
    assert posted.params["file_id"] == file_id

    uploaded = fake.uploads[file_id]
    assert uploaded == burn_up
    png = read_png(uploaded)
    assert (png.width, png.height) == (1200, 700)
    assert 30_000 < len(uploaded) < 1_000_000
    assert png.text["Title"] == "Team East revenue — November 2026"

    assert complete.params["channel_id"] == "C0TEAM"
    assert complete.params["files"] == [
        {"id": file_id, "title": "Team East revenue — November 2026"}
    ]
    assert complete.params["initial_comment"] == "Weekly digest"
    assert complete.response["files"][0]["title"] == "Team East revenue — November 2026"


def test_a_user_id_gets_the_chart_in_their_dm(fake: FakeSlack, client: WebClient) -> None:
    png = funnel_png(example_funnel())

    file_id = upload_png(
        client, channel="UREP001", png=png, filename="funnel.png", title="Your funnel"
    )

    assert [call.method for call in fake.calls()] == ["conversations.open", *UPLOAD_STEPS]
    assert fake.calls("conversations.open")[0].params["users"] == "UREP001"
    assert fake.calls("files.completeUploadExternal")[0].params["channel_id"] == "DUREP001"
    assert read_png(fake.uploads[file_id]).text["Title"] == "Team East funnel — last 4 weeks"


def test_enterprise_user_ids_open_a_dm_too(
    fake: FakeSlack, client: WebClient, burn_up: bytes
) -> None:
    upload_png(client, channel="W0GRID", png=burn_up, filename="a.png", title="t")
    assert fake.calls("files.completeUploadExternal")[0].params["channel_id"] == "DW0GRID"


def test_a_dm_id_is_used_as_it_is(fake: FakeSlack, client: WebClient, burn_up: bytes) -> None:
    upload_png(client, channel="D0DM", png=burn_up, filename="a.png", title="t")
    assert fake.calls("conversations.open") == []
    assert fake.calls("files.completeUploadExternal")[0].params["channel_id"] == "D0DM"


def test_thread_and_alt_text_are_passed_on(
    fake: FakeSlack, client: WebClient, burn_up: bytes
) -> None:
    upload_png(
        client,
        channel="C0TEAM",
        png=burn_up,
        filename="chart.png",
        title="t",
        thread_ts="1700000000.000100",
        alt_text="Burn-up chart",
    )
    assert fake.calls("files.getUploadURLExternal")[0].params["alt_txt"] == "Burn-up chart"
    complete = fake.calls("files.completeUploadExternal")[0]
    assert complete.params["thread_ts"] == "1700000000.000100"
    assert "initial_comment" not in complete.params


def test_the_filename_ends_in_png(fake: FakeSlack, client: WebClient, burn_up: bytes) -> None:
    upload_png(client, channel="C0TEAM", png=burn_up, filename="pacing", title="t")
    assert fake.calls("files.getUploadURLExternal")[0].params["filename"] == "pacing.png"


def test_bytes_that_are_not_a_png_are_refused_before_any_call(
    fake: FakeSlack, client: WebClient
) -> None:
    with pytest.raises(ValueError, match="PNG"):
        upload_png(client, channel="C0TEAM", png=b"GIF89a...", filename="x.png", title="t")
    assert fake.calls() == []


def test_an_api_refusal_reaches_the_caller(
    fake: FakeSlack, client: WebClient, burn_up: bytes
) -> None:
    fake.fail_next("files.completeUploadExternal", error="not_in_channel", status=200)
    with pytest.raises(SlackApiError) as raised:
        upload_png(client, channel="C0TEAM", png=burn_up, filename="a.png", title="t")
    assert raised.value.response["error"] == "not_in_channel"


def test_a_dm_that_cannot_be_opened_stops_the_upload(
    fake: FakeSlack, client: WebClient, burn_up: bytes
) -> None:
    fake.fail_next("conversations.open", error="user_not_found", status=200)
    with pytest.raises(SlackApiError):
        upload_png(client, channel="UGONE", png=burn_up, filename="a.png", title="t")
    assert [call.method for call in fake.calls()] == ["conversations.open"]


def test_a_failed_byte_upload_is_not_completed(
    fake: FakeSlack, client: WebClient, burn_up: bytes
) -> None:
    fake.fail_next("file_upload", error="server_error", status=500)
    with pytest.raises(HTTPError):
        upload_png(client, channel="C0TEAM", png=burn_up, filename="a.png", title="t")
    assert fake.calls("files.completeUploadExternal") == []
