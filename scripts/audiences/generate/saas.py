"""The B2B SaaS's events: product sessions of its users in business hours, one-off
milestones (sign-ups, invites, demos, trials, checkouts, planted intent signals), and identify
calls."""

from __future__ import annotations

import numpy as np

from .accounts import (
    ST_DEMO,
    ST_NEW_PAYING,
    ST_PAYING,
    Accounts,
    Contacts,
    user_of_account,
)
from .chunk import Identifies, concat_identifies, make_identifies
from .core import (
    Config,
    block,
    concat_events,
    new_events,
    pick,
    sample_times,
    take_events,
    uniform_ts,
)
from .vocabulary import (
    AD_CLICKED,
    B2B_DOW,
    B2B_HOURS,
    B2B_PAGE_BASE,
    B2B_PAGES,
    B2B_UTM_CODES,
    CHECKOUT_STARTED,
    DAY,
    DEMO_REQUESTED,
    FEATURE_USED,
    FEATURES,
    HOUR,
    INVITE_SENT,
    JOB_TITLES,
    LOCATION_TZ,
    LOCATIONS,
    MINUTE,
    NO_TS,
    PAGE_VIEWED,
    PRICING_CODE,
    SIGNED_IN,
    SIGNED_UP,
    TRIAL_STARTED,
    Events,
)


def saas_session_events(rng: np.random.Generator, cfg: Config, a: Accounts, c: Contacts) -> Events:
    """Product sessions of B2B users: sign-in, feature use, page views (a few on /pricing),
    invites and ad clicks, on weekdays in business hours."""
    lo = np.maximum(c.signup, cfg.start_ts)
    hi = c.active_until
    days = np.maximum(hi - lo, 0) / DAY
    n_sessions = np.where(c.is_user & (hi > lo), rng.poisson(c.intensity * days * 0.72), 0)
    n_sessions = np.minimum(n_sessions, 500)
    tz = LOCATION_TZ[a.location[c.account]]
    owner, t = sample_times(rng, lo, hi, n_sessions, B2B_HOURS, B2B_DOW, tz)
    n_s = owner.size
    account = c.account[owner]
    paying = np.isin(a.stage[account], (ST_PAYING, ST_NEW_PAYING))
    counts = {
        SIGNED_IN: (rng.random(n_s) < 0.85).astype(np.int64),
        FEATURE_USED: rng.poisson(1.8, n_s),
        PAGE_VIEWED: rng.poisson(0.5, n_s),
        INVITE_SENT: ((c.rank[owner] == 0) & (rng.random(n_s) < 0.03)).astype(np.int64),
        AD_CLICKED: (rng.random(n_s) < 0.002).astype(np.int64),
    }
    parts = []
    for etype, cnt in counts.items():
        sess = block(cnt)
        cols: dict[str, np.ndarray] = {}
        if etype == FEATURE_USED:
            own = rng.random(sess.size) < 0.6
            cols["feature"] = np.where(
                own,
                a.features[account[sess], rng.integers(0, 3, sess.size)],
                rng.integers(0, len(FEATURES), sess.size),
            )
        if etype == PAGE_VIEWED:
            pricing = rng.random(sess.size) < np.where(paying[sess], 0.03, 0.08)
            cols["page"] = np.where(
                pricing, PRICING_CODE, B2B_PAGE_BASE + rng.integers(0, len(B2B_PAGES), sess.size)
            )
        if etype == AD_CLICKED:
            cols["utm"] = np.full(sess.size, 8)
        parts.append(
            new_events(
                sess.size,
                name=etype,
                sess=sess,
                stage=np.where(etype == SIGNED_IN, 0, rng.integers(1, 1000, sess.size)),
                **cols,
            )
        )
    ev = concat_events(parts)
    if ev["occ"].size == 0:
        return new_events(0)
    ev = take_events(ev, np.lexsort((ev["stage"], ev["sess"])))
    sess = ev["sess"]
    gaps = rng.exponential(90.0, sess.size).astype(np.int64) + 3
    first_of_session = np.r_[True, sess[1:] != sess[:-1]]
    gaps[first_of_session] = 0
    cs = np.cumsum(gaps)
    offset = cs - np.maximum.accumulate(np.where(first_of_session, cs, 0))
    contact = owner[sess]
    ev["occ"] = np.minimum(t[sess] + offset, cfg.end_ts - 1)
    ev["anon"] = contact.astype(np.int32)
    ev["user"] = contact.astype(np.int32)
    ev["account"] = c.account[contact].astype(np.int32)
    ev["device"] = np.where((contact % 10) == 0, 0, 1).astype(np.int16)
    ev["os"] = np.where(ev["device"] == 0, contact % 2, 2 + contact % 2).astype(np.int16)
    ev["location"] = a.location[c.account[contact]].astype(np.int16)
    del ev["sess"], ev["stage"]
    return ev


def saas_milestone_events(
    rng: np.random.Generator, cfg: Config, a: Accounts, c: Contacts
) -> Events:
    """One-off B2B events: sign-ups, invites, demo requests, trial starts, checkouts, and the
    planted intent signals (pricing-page views, ad clicks)."""
    end = cfg.end_ts
    creator = c.starts  # contact row of each account's first user
    parts: list[Events] = []

    def add(
        contact: np.ndarray,
        when: np.ndarray,
        etype: int,
        user: bool = True,
        **cols: np.ndarray | int,
    ) -> None:
        parts.append(
            new_events(
                contact.size,
                name=etype,
                occ=when,
                anon=contact.astype(np.int32),
                user=np.where(user, contact, -1).astype(np.int32),
                account=c.account[contact].astype(np.int32),
                device=np.int16(1),
                os=np.int16(3),
                location=a.location[c.account[contact]].astype(np.int16),
                **cols,
            )
        )

    users = np.flatnonzero(c.is_user)
    add(users, c.signup[users], SIGNED_UP, server=True)
    invited = users[c.rank[users] > 0]
    inviter = creator[c.account[invited]]
    add(
        inviter,
        np.maximum(
            c.signup[invited] - rng.integers(10 * MINUTE, 2 * DAY, invited.size), c.signup[inviter]
        ),
        INVITE_SENT,
    )
    demo_acc = np.flatnonzero(a.demo != NO_TS)
    add(
        creator[demo_acc],
        a.demo[demo_acc],
        DEMO_REQUESTED,
        user=a.stage[demo_acc] == ST_DEMO,
        utm=rng.choice(B2B_UTM_CODES, demo_acc.size),
    )
    trial_acc = np.flatnonzero(a.trial != NO_TS)
    add(creator[trial_acc], a.trial[trial_acc] + 5, TRIAL_STARTED, plan=a.plan0[trial_acc])
    paid_acc = np.flatnonzero(a.paid != NO_TS)
    add(
        creator[paid_acc],
        a.paid[paid_acc] - rng.integers(10 * MINUTE, 2 * DAY, paid_acc.size),
        CHECKOUT_STARTED,
        plan=a.plan0[paid_acc],
    )
    lost = np.flatnonzero(a.checkout_no_sub)
    add(
        creator[lost],
        a.trial[lost] + 14 * DAY - rng.integers(HOUR, 3 * DAY, lost.size),
        CHECKOUT_STARTED,
        plan=a.plan0[lost],
    )
    # Planted intent: free accounts 3-6 pricing views in 14 days, paying ones 2-4 in 30 days.
    intent = np.flatnonzero(a.pricing_intent)
    paying_intent = a.stage[intent] == ST_PAYING
    k = np.where(paying_intent, rng.integers(2, 5, intent.size), rng.integers(3, 7, intent.size))
    acc = np.repeat(intent, k)
    window = np.where(a.stage[acc] == ST_PAYING, 29 * DAY, 13 * DAY)
    who = user_of_account(rng, c, acc)
    add(
        who,
        uniform_ts(rng, end - window, end - HOUR, acc.size),
        PAGE_VIEWED,
        page=np.full(acc.size, PRICING_CODE),
    )
    ads = np.flatnonzero(a.ad_click)
    add(
        user_of_account(rng, c, ads),
        uniform_ts(rng, end - 29 * DAY, end - HOUR, ads.size),
        AD_CLICKED,
        utm=np.full(ads.size, 8),
    )
    ev = concat_events(parts)
    inside = (ev["occ"] >= cfg.start_ts) & (ev["occ"] <= end - 1)
    return take_events(ev, np.flatnonzero(inside))


def b2b_identifies(
    rng: np.random.Generator, cfg: Config, a: Accounts, c: Contacts, ev: Events
) -> Identifies:
    """An identify at each user's sign-up (or first event in the history when the sign-up is
    older), and a few later job-title changes that omit every other trait."""
    users = np.flatnonzero(c.is_user)
    first_seen = np.full(c.n, np.iinfo(np.int64).max)
    with_user = ev["user"] >= 0
    np.minimum.at(first_seen, ev["user"][with_user], ev["occ"][with_user])
    when = np.where(c.signup[users] >= cfg.start_ts, c.signup[users], first_seen[users])
    users, when = users[when <= cfg.end_ts], when[when <= cfg.end_ts]
    loc = a.location[c.account[users]]
    titles = np.array(JOB_TITLES, dtype=object)
    parts = [
        make_identifies(
            c.anon_ids[users],
            c.user_ids[users],
            when,
            opt_in=(rng.random(users.size) < 0.93).astype(np.int8),
            email=c.email[users],
            first_name=c.first_name[users],
            last_name=c.last_name[users],
            job_title=titles[c.title[users]],
            country=np.array([LOCATIONS[i][0] for i in loc], dtype=object),
            language=np.array([LOCATIONS[i][5] for i in loc], dtype=object),
        )
    ]
    changed = users[rng.random(users.size) < 0.08]
    later = uniform_ts(
        rng, np.maximum(c.signup[changed], cfg.start_ts) + DAY, cfg.end_ts - HOUR, changed.size
    )
    ok = later < cfg.end_ts - HOUR
    changed, later = changed[ok], later[ok]
    parts.append(
        make_identifies(
            np.full(changed.size, None, dtype=object),
            c.user_ids[changed],
            later,
            job_title=pick(rng, JOB_TITLES, changed.size),
        )
    )
    return concat_identifies(parts)
