"""The publish audit's rules one by one (scripts/publish.py), at their edges: what refuses a
publish and what does not, without building anything."""

from __future__ import annotations

import datetime as dt

import pytest
from publish import BuildFacts, audit_build, audit_raw, parse_as_of
from serving import LastPublish, ServingError

AS_OF = dt.datetime(2026, 6, 30, 23, 59, 59)
RAW = {"events": 1000, "privacy_requests": 5, "crm_accounts": 0}


def facts(members: int = 10, newest: dt.datetime | None = AS_OF) -> BuildFacts:
    return BuildFacts(
        raw_rows=RAW, newest_event_at=newest, audience_members=members, invocation_id=None
    )


def last(**raw_rows: int) -> LastPublish:
    return LastPublish(publish_id=4, as_of=AS_OF, raw_rows={**RAW, **raw_rows})


def test_raw_like_the_last_publish_passes_and_a_first_publish_has_nothing_to_compare() -> None:
    assert audit_raw(RAW, last()) == []
    assert audit_raw({"events": 0}, None) == []


def test_a_table_that_fed_the_last_publish_and_is_now_empty_is_refused() -> None:
    reasons = audit_raw({**RAW, "privacy_requests": 0}, last())
    assert len(reasons) == 1 and "privacy_requests" in reasons[0] and "publish 4" in reasons[0]
    # a table that was already empty then is no news
    assert audit_raw({**RAW, "crm_accounts": 0}, last()) == []


def test_events_that_shrank_are_refused_and_one_more_row_is_not() -> None:
    assert "shrank from 1,001" in audit_raw(RAW, last(events=1001))[0]
    assert audit_raw(RAW, last(events=999)) == []


def test_every_audience_empty_is_refused() -> None:
    assert audit_build(facts(members=0), AS_OF, 7) == ["every audience is empty"]
    assert audit_build(facts(members=1), AS_OF, 7) == []


def test_an_as_of_more_than_the_allowed_days_after_the_newest_event_is_refused() -> None:
    exactly = AS_OF - dt.timedelta(days=7)
    assert audit_build(facts(newest=exactly), AS_OF, 7) == []
    later = audit_build(facts(newest=exactly - dt.timedelta(seconds=1)), AS_OF, 7)
    assert len(later) == 1 and "publish_max_days_after_newest_event (7)" in later[0]
    assert audit_build(facts(newest=None), AS_OF, 7) == ["there is no staged event"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-06-30 23:59:59", AS_OF),
        ("2026-06-30T23:59:59Z", AS_OF),
        ("2026-07-01T01:59:59+02:00", AS_OF),
        ("2026-06-30", dt.datetime(2026, 6, 30)),
    ],
)
def test_as_of_is_read_in_utc(text: str, expected: dt.datetime) -> None:
    assert parse_as_of(text) == expected


@pytest.mark.parametrize("text", ["yesterday", "'; drop table raw.events; --", "2026-13-45"])
def test_an_unreadable_as_of_is_refused(text: str) -> None:
    with pytest.raises(ServingError, match="not a timestamp"):
        parse_as_of(text)
