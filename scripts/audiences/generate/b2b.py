"""A B2B chunk: the SaaS's events (audiences.generate.saas), and the CRM, subscription, usage,
ticket and NPS tables."""

from __future__ import annotations

import numpy as np

from .accounts import (
    ST_CHURNED,
    ST_DEMO,
    ST_NEW_PAYING,
    ST_PAYING,
    ST_TRIAL_ACTIVE,
    ST_TRIAL_EXPIRED,
    Accounts,
    Contacts,
    current_plan,
    draw_accounts,
    draw_contacts,
    user_of_account,
)
from .chunk import ChunkOutput, with_nones
from .core import Config, block, concat_events, pick, random_hex_ids, rng_for, uniform_ts
from .email import Campaigns, Recipients, email_rows
from .saas import b2b_identifies, saas_milestone_events, saas_session_events
from .vocabulary import (
    DAY,
    DECISION_MAKER_TITLES,
    FEATURE_USED,
    FREE,
    HOUR,
    INDUSTRIES,
    JOB_TITLES,
    LOCATIONS,
    NO_TS,
    NPS_COMMENTS,
    NULL_INT,
    PLAN_SEATS,
    PLAN_USAGE_LIMIT,
    PLANS,
    STARTER,
    STREAM_B2B,
    TRIAL,
    Events,
)


def crm_account_rows(rng: np.random.Generator, cfg: Config, a: Accounts) -> dict[str, np.ndarray]:
    """Snapshots of each account as the CRM synced it: the newest state always, some older
    states (2-3 rows for some accounts)."""
    end = cfg.end_ts
    expired = np.where(a.stage == ST_TRIAL_EXPIRED, a.trial + 14 * DAY, NO_TS)
    versions = [  # (time, plan, mrr, customer_since, churned_at)
        (a.created, np.full(a.n, FREE), np.zeros(a.n), NO_TS, NO_TS),
        (a.trial, np.full(a.n, TRIAL), np.zeros(a.n), NO_TS, NO_TS),
        (expired, np.full(a.n, FREE), np.zeros(a.n), NO_TS, NO_TS),
        (a.paid, a.plan0, a.mrr0, a.paid, NO_TS),
        (a.upgraded, a.plan1, a.mrr1, a.paid, NO_TS),
        (a.churned, np.full(a.n, FREE), np.zeros(a.n), a.paid, a.churned),
    ]
    times = np.stack([np.broadcast_to(v[0], (a.n,)) for v in versions], axis=1)
    valid = (times != NO_TS) & (times <= end)
    latest = valid.shape[1] - 1 - np.argmax(valid[:, ::-1], axis=1)
    rows: dict[str, list[np.ndarray]] = {}
    for v, (t, plan, mrr, since, churned) in enumerate(versions):
        emit = valid[:, v] & ((latest == v) | (rng.random(a.n) < 0.35))
        idx = np.flatnonzero(emit)
        plan_v = np.broadcast_to(plan, (a.n,))[idx]
        touched = np.broadcast_to(t, (a.n,))[idx] + rng.integers(0, HOUR, idx.size)
        touched = np.where(
            latest[idx] == v,
            np.minimum(touched + rng.integers(0, 30 * DAY, idx.size), end),
            touched,
        )
        columns = {
            "account_id": a.ids[idx],
            "name": a.names[idx],
            "domain": a.domains[idx],
            "industry": np.array(INDUSTRIES, dtype=object)[a.industry[idx]],
            "employee_count": a.employees[idx].astype(str).astype(object),
            "country": np.array([LOCATIONS[i][0] for i in a.location[idx]], dtype=object),
            "plan": np.array(PLANS, dtype=object)[plan_v],
            "seat_limit": PLAN_SEATS[plan_v],
            "monthly_usage_limit": PLAN_USAGE_LIMIT[plan_v],
            "mrr": np.broadcast_to(mrr, (a.n,))[idx].astype(np.float64),
            "created_at": a.created[idx],
            "customer_since": np.broadcast_to(since, (a.n,))[idx],
            "churned_at": np.broadcast_to(churned, (a.n,))[idx],
            "updated_at": np.minimum(np.maximum(touched, a.created[idx]), end),
        }
        for key, value in columns.items():
            rows.setdefault(key, []).append(value)
    return {key: np.concatenate(parts) for key, parts in rows.items()}


def crm_contact_rows(
    rng: np.random.Generator, cfg: Config, a: Accounts, c: Contacts
) -> dict[str, np.ndarray]:
    """One row per contact, two when the contact signed up after the CRM knew them (the
    older row without the user id)."""
    stage = a.stage[c.account]
    final_status = np.select(
        [
            np.isin(stage, (ST_PAYING, ST_NEW_PAYING)),
            stage == ST_CHURNED,
            stage == ST_TRIAL_ACTIVE,
            stage == ST_TRIAL_EXPIRED,
            stage == ST_DEMO,
        ],
        [0, 1, 2, 3, 4],
        5,
    )
    options = (
        ("customer",),
        ("unqualified", "working"),
        ("qualified",),
        ("working", "unqualified"),
        ("working", "qualified"),
        ("new", "working", "unqualified"),
    )
    status = np.array(
        [
            options[f][int(x * len(options[f]))]
            for f, x in zip(final_status, rng.random(c.n), strict=True)
        ],
        dtype=object,
    )
    base = np.array([30, 55, 70, 45, 85, 80, 25])[stage]
    score = np.clip(
        base + rng.normal(0, 12, c.n) + (c.title < len(DECISION_MAKER_TITLES)) * 10, 0, 100
    ).astype(np.int64)
    two_rows = c.is_user & (c.signup > c.created + HOUR)
    old = np.flatnonzero(two_rows)
    updated = np.where(c.is_user, c.signup, uniform_ts(rng, c.created, cfg.end_ts - HOUR, c.n))
    updated = np.minimum(np.maximum(updated, c.created), cfg.end_ts)
    titles = np.array(JOB_TITLES, dtype=object)
    return {
        "contact_id": np.concatenate([c.ids[old], c.ids]),
        "user_id": np.concatenate(
            [np.full(old.size, None, dtype=object), with_nones(c.user_ids, c.is_user)]
        ),
        "account_id": np.concatenate([a.ids[c.account[old]], a.ids[c.account]]),
        "email": np.concatenate([c.email[old], c.email]),
        "job_title": np.concatenate([titles[c.title[old]], titles[c.title]]),
        "lead_status": np.concatenate([np.full(old.size, "new", dtype=object), status]),
        "lead_score": np.concatenate([np.minimum(score[old], 40), score]),
        "created_at": np.concatenate([c.created[old], c.created]),
        "updated_at": np.concatenate([c.created[old], updated]),
    }


def subscription_rows(
    rng: np.random.Generator, cfg: Config, a: Accounts, c: Contacts
) -> dict[str, np.ndarray]:
    """Trials (trialing, or canceled when not converted), paid plans (active, sometimes
    past_due), upgrades (a new row with a bigger plan) and cancellations."""
    has_trial = np.flatnonzero((a.trial != NO_TS) & (a.trial <= cfg.end_ts))
    st = a.stage[has_trial]
    trial_end = a.trial[has_trial] + 14 * DAY
    paying = np.isin(st, (ST_PAYING, ST_NEW_PAYING, ST_CHURNED))
    upgraded = a.upgraded[has_trial] != NO_TS
    ended = np.select(
        [st == ST_TRIAL_EXPIRED, upgraded, st == ST_CHURNED],
        [trial_end, a.upgraded[has_trial], a.churned[has_trial]],
        NO_TS,
    )
    status = np.select(
        [st == ST_TRIAL_ACTIVE, ended != NO_TS, rng.random(has_trial.size) < 0.05],
        ["trialing", "canceled", "past_due"],
        "active",
    ).astype(object)
    up = has_trial[upgraded]
    first_rows = {
        "account_id": a.ids[has_trial],
        "plan": np.array(PLANS, dtype=object)[a.plan0[has_trial]],
        "status": status,
        "started_at": a.trial[has_trial],
        "trial_ends_at": trial_end,
        "ended_at": ended,
        "mrr": np.where(paying, a.mrr0[has_trial], 0.0),
    }
    second_rows = {
        "account_id": a.ids[up],
        "plan": np.array(PLANS, dtype=object)[a.plan1[up]],
        "status": np.full(up.size, "active", dtype=object),
        "started_at": a.upgraded[up],
        "trial_ends_at": np.full(up.size, NO_TS),
        "ended_at": np.full(up.size, NO_TS),
        "mrr": a.mrr1[up],
    }
    rows = {key: np.concatenate([first_rows[key], second_rows[key]]) for key in first_rows}
    accounts = np.concatenate([has_trial, up])
    plan_level = np.concatenate([a.plan0[has_trial], a.plan1[up]])
    per_user = (plan_level == STARTER) & (rng.random(accounts.size) < 0.25)
    rows["user_id"] = with_nones(c.user_ids[c.starts[accounts]], per_user)
    rows["subscription_id"] = random_hex_ids(rng, accounts.size, "sub_")
    return rows


def usage_rows(
    rng: np.random.Generator, cfg: Config, a: Accounts, ev: Events
) -> dict[str, np.ndarray]:
    """Metered usage per account and active day, proportional to feature use and scaled to
    15-70% of the plan's monthly limit; planted heavy users sit at 92-130% of it in the
    current calendar month."""
    used = ev["name"] == FEATURE_USED
    day0 = cfg.start_ts // DAY
    key = ev["account"][used].astype(np.int64) * 100_000 + ev["occ"][used] // DAY - day0
    keys, uses = np.unique(key, return_counts=True)
    account, day = keys // 100_000, keys % 100_000 + day0
    limit = PLAN_USAGE_LIMIT[current_plan(a)].astype(np.float64)
    mean_uses = np.bincount(account, weights=uses, minlength=a.n) / np.maximum(
        np.bincount(account, minlength=a.n), 1
    )
    ratio = rng.uniform(0.15, 0.7, a.n)
    scale = ratio * limit / (22.0 * np.maximum(mean_uses, 1.0))
    units = uses * scale[account] * rng.uniform(0.7, 1.3, account.size)
    month_day = cfg.month_start_ts // DAY
    heavy = np.flatnonzero(a.heavy_usage)
    end_day = cfg.end_ts // DAY
    missing = heavy[np.bincount(account[day >= month_day], minlength=a.n)[heavy] == 0]
    account = np.concatenate([account, missing])
    day = np.concatenate([day, np.full(missing.size, end_day)])
    units = np.concatenate([units, np.ones(missing.size)])
    this_month = (day >= month_day) & a.heavy_usage[account]
    mtd = np.bincount(account[this_month], weights=units[this_month], minlength=a.n)
    target = limit * rng.uniform(0.92, 1.3, a.n)
    factor = np.where(mtd > 0, target / np.maximum(mtd, 1e-9), 1.0)
    units = np.where(this_month, units * factor[account], units)
    order = np.lexsort((day, account))
    return {
        "account_id": a.ids[account[order]],
        "usage_date": day[order].astype("datetime64[D]"),
        "usage_units": np.round(units[order], 0),
    }


def ticket_rows(
    rng: np.random.Generator, cfg: Config, a: Accounts, c: Contacts
) -> dict[str, np.ndarray]:
    rate = np.array([0.05, 0.05, 0.4, 0.2, 0.7, 0.8, 0.5])[a.stage]
    lo = np.maximum(a.created, cfg.start_ts)
    hi = np.where(a.churned != NO_TS, a.churned, cfg.end_ts - HOUR)
    n_t = rng.poisson(rate * np.maximum(hi - lo, 0) / (30 * DAY))
    planted = np.where(a.declining, rng.integers(3, 6, a.n), 0)
    acc = np.concatenate([block(n_t), block(planted)])
    opened = np.concatenate(
        [
            uniform_ts(rng, lo[block(n_t)], hi[block(n_t)], int(n_t.sum())),
            uniform_ts(rng, cfg.end_ts - 28 * DAY, cfg.end_ts - HOUR, int(planted.sum())),
        ]
    )
    m = acc.size
    closed = opened + np.clip(rng.lognormal(np.log(20 * HOUR), 1.2, m), 600, 30 * DAY).astype(
        np.int64
    )
    is_closed = closed <= cfg.end_ts
    status = np.where(
        is_closed,
        np.where(rng.random(m) < 0.7, "solved", "closed"),
        np.where(rng.random(m) < 0.6, "open", "pending"),
    ).astype(object)
    csat = np.where(
        is_closed & (rng.random(m) < 0.55),
        np.where(
            a.declining[acc],
            rng.integers(1, 4, m),
            rng.choice(np.arange(1, 6), m, p=[0.05, 0.08, 0.15, 0.32, 0.4]),
        ),
        NULL_INT,
    )
    user = with_nones(c.user_ids[user_of_account(rng, c, acc)], rng.random(m) >= 0.1)
    return {
        "ticket_id": random_hex_ids(rng, m, "tkt_"),
        "account_id": a.ids[acc],
        "user_id": user,
        "opened_at": opened,
        "closed_at": np.where(is_closed, closed, NO_TS),
        "priority": rng.choice(
            np.array(["low", "normal", "high", "urgent"], dtype=object),
            m,
            p=[0.3, 0.45, 0.18, 0.07],
        ),
        "status": status,
        "csat_score": csat,
    }


def b2b_nps_rows(
    rng: np.random.Generator, cfg: Config, a: Accounts, c: Contacts
) -> dict[str, np.ndarray]:
    users = np.flatnonzero(c.is_user & (rng.random(c.n) < 0.3))
    lo = np.maximum(c.signup[users], cfg.start_ts)
    hi = np.minimum(c.active_until[users], cfg.end_ts - 25 * DAY)
    users, lo, hi = users[hi > lo], lo[hi > lo], hi[hi > lo]
    declining = a.declining[c.account[users]]
    score = np.where(
        declining,
        rng.integers(0, 7, users.size),
        rng.choice(
            11, users.size, p=[0.02, 0.01, 0.02, 0.03, 0.04, 0.05, 0.08, 0.15, 0.2, 0.2, 0.2]
        ),
    )
    detractors = c.starts[np.flatnonzero(a.declining)]
    users = np.concatenate([users, detractors])
    when = np.concatenate(
        [
            uniform_ts(rng, lo, hi, lo.size),
            cfg.end_ts - rng.integers(DAY, 20 * DAY, detractors.size),
        ]
    )
    score = np.concatenate([score, rng.integers(0, 6, detractors.size)])
    return {
        "response_id": random_hex_ids(rng, users.size, "nps_"),
        "user_id": c.user_ids[users],
        "account_id": a.ids[c.account[users]],
        "score": score,
        "comment": np.where(
            rng.random(users.size) < 0.35, pick(rng, NPS_COMMENTS, users.size), None
        ).astype(object),
        "responded_at": when,
    }


def b2b_chunk(
    cfg: Config, camps: Campaigns, chunk_no: int, first_account: int, n: int
) -> ChunkOutput:
    rng = rng_for(cfg, STREAM_B2B, chunk_no)
    a = draw_accounts(rng, cfg, first_account, n)
    c = draw_contacts(rng, cfg, a, first_account)
    ev = concat_events([saas_session_events(rng, cfg, a, c), saas_milestone_events(rng, cfg, a, c)])
    rec = Recipients(
        user=with_nones(c.user_ids, c.is_user),
        email=c.email,
        eligible_from=c.created,
        eligible_until=np.full(c.n, np.iinfo(np.int64).max),
        send_p=np.full(c.n, 0.7),
        open_p=np.where(
            a.declining[c.account] | (a.stage[c.account] == ST_TRIAL_EXPIRED),
            0.0,
            rng.beta(1.5, 4, c.n),
        ),
    )
    return ChunkOutput(
        events=ev,
        items={
            "order": np.zeros(0, np.int64),
            "product": np.zeros(0, np.int64),
            "quantity": np.zeros(0, np.int64),
            "line": np.zeros(0, np.int64),
        },
        anon_dict=c.anon_ids,
        user_dict=c.user_ids,
        account_dict=a.ids,
        identifies=b2b_identifies(rng, cfg, a, c, ev),
        emails=email_rows(rng, rec, camps, cfg),
        campaign_ids=camps.ids,
        tables={
            "crm_accounts": crm_account_rows(rng, cfg, a),
            "crm_contacts": crm_contact_rows(rng, cfg, a, c),
            "subscriptions": subscription_rows(rng, cfg, a, c),
            "product_usage_daily": usage_rows(rng, cfg, a, ev),
            "support_tickets": ticket_rows(rng, cfg, a, c),
            "nps_responses": b2b_nps_rows(rng, cfg, a, c),
        },
        key_base=(1 << 52) + (chunk_no << 32),
    )
