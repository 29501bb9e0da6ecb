"""Send-time optimization, as models/intermediate/persons/_int_persons__models.yml defines
int_person_send_times_learned: per person, the local hour and ISO day of week they most often
act at, from their email opens and clicks when they have at least
`send_time_min_email_observations`, else from all their events; in the zone their events'
context names most often (known zones only), else their country's, else UTC. Local times come
from zoneinfo, independently of the warehouse's ICU."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pandas as pd

from tests.reference.common import at, most_frequent
from tests.reference.context import Context

SEND_TIME_COLUMNS = [
    "send_time_zone",
    "send_time_zone_source",
    "send_time_source",
    "send_time_observations",
    "preferred_send_hour",
    "preferred_send_day_of_week",
]
# what every person audience carries of them (macro person_send_time_columns)
AUDIENCE_SEND_TIME_COLUMNS = [
    "preferred_send_hour",
    "preferred_send_day_of_week",
    "send_time_zone",
    "send_time_observations",
]
EMAIL_ENGAGEMENT = {"opened", "clicked"}


def _zones(ctx: Context, persons: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """person_id, send_time_zone, send_time_zone_source for every person."""
    known = set(ctx.seeds["time_zones"]["time_zone"])
    named = events[events["time_zone"].isin(known)]
    top = most_frequent(named, "person_id", "time_zone", "occurred_at").set_index("person_id")
    context_zone = at(persons["person_id"], top["time_zone"])
    countries = ctx.seeds["country_time_zones"].set_index("country")["time_zone"]
    country_zone = at(persons["country"], countries)
    zone = context_zone.where(context_zone.notna(), country_zone).fillna("UTC")
    source = pd.Series("utc", index=persons.index, dtype=object)
    source = source.where(country_zone.isna(), "country").where(context_zone.isna(), "context")
    return pd.DataFrame(
        {
            "person_id": persons["person_id"],
            "send_time_zone": zone.astype(object),
            "send_time_zone_source": source,
        }
    )


def _local(instants: pd.Series, zones: pd.Series) -> pd.Series:
    """Each UTC instant as the wall-clock time in its zone (naive)."""
    local = pd.Series(pd.NaT, index=instants.index, dtype="datetime64[ns]")
    for zone, index in instants.groupby(zones).groups.items():
        converted = instants[index].dt.tz_localize("UTC").dt.tz_convert(ZoneInfo(str(zone)))
        local[index] = converted.dt.tz_localize(None).to_numpy()
    return local


def learn_send_times(
    ctx: Context, persons: pd.DataFrame, email_events: pd.DataFrame
) -> pd.DataFrame:
    """The SEND_TIME_COLUMNS of `persons` (person_id, user_id, country), aligned on its index.
    email_events: the email events up to as_of with their person_id."""
    pid = persons["person_id"]
    events = ctx.events_identified
    events = events[events["person_id"].isin(set(pid))]
    zones = _zones(ctx, persons, events).set_index("person_id")

    emails = email_events[
        email_events["event_type"].isin(EMAIL_ENGAGEMENT) & email_events["person_id"].isin(set(pid))
    ]
    email_counts = emails.groupby("person_id").size()
    event_counts = events.groupby("person_id").size()
    n_email = at(pid, email_counts).fillna(0).astype("int64")
    n_events = at(pid, event_counts).fillna(0).astype("int64")
    uses_email = n_email >= ctx.vars.send_time_min_email_observations
    source = pd.Series(None, index=persons.index, dtype=object)
    source = source.where(~(n_events > 0), "events").where(~uses_email, "email")
    chosen_source = dict(zip(pid, source, strict=True))

    # an event counts at the start of its UTC hour, as the hourly rollup the model reads has it
    observations = pd.concat(
        [
            pd.DataFrame(
                {
                    "person_id": emails["person_id"],
                    "source": "email",
                    "instant": emails["occurred_at"],
                    "occurred_at": emails["occurred_at"],
                }
            ),
            pd.DataFrame(
                {
                    "person_id": events["person_id"],
                    "source": "events",
                    "instant": events["occurred_at"].dt.floor("h"),
                    "occurred_at": events["occurred_at"],
                }
            ),
        ],
        ignore_index=True,
    )
    observations = observations[
        observations["source"].to_numpy() == observations["person_id"].map(chosen_source).to_numpy()
    ].copy()
    zone_of = at(observations["person_id"], zones["send_time_zone"])
    local = _local(observations["instant"], zone_of)
    observations["hour"] = local.dt.hour
    observations["day"] = local.dt.day_of_week + 1

    out = pd.DataFrame(index=persons.index)
    out["send_time_zone"] = at(pid, zones["send_time_zone"])
    out["send_time_zone_source"] = at(pid, zones["send_time_zone_source"])
    out["send_time_source"] = source
    out["send_time_observations"] = n_email.where(uses_email, n_events).astype("Int64")
    for value, column in [("hour", "preferred_send_hour"), ("day", "preferred_send_day_of_week")]:
        top = most_frequent(observations, "person_id", value, "occurred_at").set_index("person_id")
        out[column] = at(pid, top[value]).astype("Int64")
    return out
