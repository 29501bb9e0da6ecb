"""B2B accounts (lifecycle stages from free to churned, plans, MRR) and their CRM contacts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .core import Config, block, pick, random_hex_ids, uniform_ts
from .vocabulary import (
    COMPANY_WORDS_A,
    COMPANY_WORDS_B,
    DAY,
    DECISION_MAKER_TITLES,
    ENTERPRISE,
    FEATURES,
    FIRST_NAMES,
    FREE,
    HOUR,
    INDUSTRIES,
    INDUSTRY_P,
    LAST_NAMES,
    LOCATION_P,
    LOCATIONS,
    MINUTE,
    NO_TS,
    OTHER_TITLES,
    PLAN_BASE_MRR,
    PRO,
    STARTER,
    TRIAL,
)

(ST_FREE, ST_DEMO, ST_TRIAL_ACTIVE, ST_TRIAL_EXPIRED, ST_PAYING, ST_NEW_PAYING, ST_CHURNED) = range(
    7
)
STAGE_P = np.array([0.18, 0.08, 0.08, 0.10, 0.40, 0.06, 0.10])
USER_SHARE_BY_STAGE = np.array([0.4, 0.2, 0.6, 0.5, 0.8, 0.75, 0.7])
MAX_CONTACTS = 25


@dataclass
class Accounts:
    n: int
    ids: np.ndarray
    names: np.ndarray
    domains: np.ndarray
    industry: np.ndarray
    employees: np.ndarray
    location: np.ndarray
    stage: np.ndarray
    created: np.ndarray
    demo: np.ndarray
    trial: np.ndarray
    paid: np.ndarray
    upgraded: np.ndarray
    churned: np.ndarray
    plan0: np.ndarray
    plan1: np.ndarray
    mrr0: np.ndarray
    mrr1: np.ndarray
    declining: np.ndarray
    heavy_usage: np.ndarray
    pricing_intent: np.ndarray
    ad_click: np.ndarray
    checkout_no_sub: np.ndarray
    features: np.ndarray  # (n, 3) preferred features


def draw_accounts(rng: np.random.Generator, cfg: Config, first: int, n: int) -> Accounts:
    start, end = cfg.start_ts, cfg.end_ts
    index = np.arange(first, first + n)
    stage = rng.choice(7, n, p=STAGE_P)
    stage[:7] = np.arange(7)[: min(7, n)] if first == 0 else stage[:7]
    created = np.full(n, NO_TS)
    demo = np.full(n, NO_TS)
    trial = np.full(n, NO_TS)
    paid = np.full(n, NO_TS)
    churned = np.full(n, NO_TS)

    def set_where(
        arr: np.ndarray, mask: np.ndarray, lo: np.ndarray | int, hi: np.ndarray | int
    ) -> None:
        lo_m = np.broadcast_to(np.asarray(lo, dtype=np.int64), (n,))[mask]
        hi_m = np.broadcast_to(np.asarray(hi, dtype=np.int64), (n,))[mask]
        arr[mask] = uniform_ts(rng, lo_m, hi_m, int(mask.sum()))

    st = stage
    set_where(created, st == ST_FREE, start - 60 * DAY, end - 2 * DAY)
    set_where(demo, st == ST_DEMO, max(start, end - 60 * DAY), end - HOUR)
    set_where(trial, st == ST_TRIAL_ACTIVE, end - 13 * DAY, end - 2 * HOUR)
    set_where(trial, st == ST_TRIAL_EXPIRED, end - 75 * DAY, end - 32 * DAY)
    history = max(cfg.days, 120) * DAY
    set_where(trial, st == ST_PAYING, end - history - 180 * DAY, end - 90 * DAY)
    set_where(paid, st == ST_NEW_PAYING, end - 29 * DAY, end - DAY)
    set_where(paid, st == ST_CHURNED, end - history - 200 * DAY, end - 90 * DAY)
    trial = np.where(np.isin(st, (ST_NEW_PAYING, ST_CHURNED)), paid - 14 * DAY, trial)
    paid = np.where(st == ST_PAYING, trial + 14 * DAY, paid)
    set_where(churned, st == ST_CHURNED, paid + 30 * DAY, end - 3 * DAY)
    had_demo = (trial != NO_TS) & (rng.random(n) < 0.3)
    demo = np.where(had_demo, trial - rng.integers(DAY, 7 * DAY, n), demo)
    anchor = np.where(trial != NO_TS, trial, np.where(demo != NO_TS, demo, created))
    created = np.where(st == ST_FREE, created, anchor - rng.integers(0, 10 * DAY, n))
    created = np.where(had_demo, np.minimum(created, demo - HOUR), created)

    employees = np.clip(np.exp(rng.normal(np.log(60), 1.6, n)), 2, 60000).astype(np.int64)
    plan0 = np.select([employees < 50, employees < 500], [STARTER, PRO], ENTERPRISE)
    plan0 = np.clip(plan0 + (rng.random(n) < 0.2) * rng.choice([-1, 1], n), STARTER, ENTERPRISE)
    paying = np.isin(st, (ST_PAYING, ST_NEW_PAYING, ST_CHURNED))
    upgrade = (st == ST_PAYING) & (rng.random(n) < 0.25)
    upgraded = np.where(upgrade, uniform_ts(rng, paid + 20 * DAY, end - DAY, n), NO_TS)
    plan1 = np.where(upgrade, np.minimum(plan0 + 1, ENTERPRISE), plan0)
    mrr0 = np.round(PLAN_BASE_MRR[plan0] * rng.uniform(0.8, 1.6, n), 2)
    mrr1 = np.where(
        upgrade,
        np.round(np.maximum(PLAN_BASE_MRR[plan1] * rng.uniform(0.9, 1.6, n), mrr0 * 1.3), 2),
        mrr0,
    )
    mrr0, mrr1 = np.where(paying, mrr0, 0.0), np.where(paying, mrr1, 0.0)
    names, domains = company_names(rng, index)
    features = (
        np.stack([rng.permutation(len(FEATURES))[:3] for _ in range(n)])
        if n
        else (np.zeros((0, 3), dtype=np.int64))
    )
    return Accounts(
        n=n,
        ids=np.array([f"acc_{i:06d}" for i in index], dtype=object),
        names=names,
        domains=domains,
        industry=rng.choice(len(INDUSTRIES), n, p=INDUSTRY_P),
        employees=employees,
        location=rng.choice(len(LOCATIONS), n, p=LOCATION_P / LOCATION_P.sum()),
        stage=st,
        created=created,
        demo=demo,
        trial=trial,
        paid=paid,
        upgraded=upgraded,
        churned=churned,
        plan0=plan0,
        plan1=plan1,
        mrr0=mrr0,
        mrr1=mrr1,
        declining=(st == ST_PAYING) & (rng.random(n) < 0.22),
        heavy_usage=np.isin(st, (ST_PAYING, ST_NEW_PAYING)) & (rng.random(n) < 0.15),
        pricing_intent=np.where(
            st == ST_PAYING, rng.random(n) < 0.2, (st == ST_FREE) & (rng.random(n) < 0.35)
        ),
        ad_click=(st == ST_PAYING) & (rng.random(n) < 0.12),
        checkout_no_sub=(st == ST_TRIAL_EXPIRED) & (rng.random(n) < 0.5),
        features=features,
    )


def company_names(rng: np.random.Generator, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a = pick(rng, COMPANY_WORDS_A, index.size)
    b = pick(rng, COMPANY_WORDS_B, index.size)
    names = np.array([f"{x} {y}" for x, y in zip(a, b, strict=True)], dtype=object)
    domains = np.array(
        [f"{x.lower()}{y.lower()}{i}.example.com" for x, y, i in zip(a, b, index, strict=True)],
        dtype=object,
    )
    return names, domains


@dataclass
class Contacts:
    n: int
    account: np.ndarray
    rank: np.ndarray
    ids: np.ndarray
    user_ids: np.ndarray
    anon_ids: np.ndarray
    first_name: np.ndarray
    last_name: np.ndarray
    email: np.ndarray
    title: np.ndarray
    is_user: np.ndarray
    signup: np.ndarray
    created: np.ndarray
    active_until: np.ndarray
    intensity: np.ndarray
    starts: np.ndarray  # per account: first contact row
    counts: np.ndarray  # per account: contacts


def draw_contacts(rng: np.random.Generator, cfg: Config, a: Accounts, first: int) -> Contacts:
    end = cfg.end_ts
    size_factor = 1 + np.log10(a.employees)
    per_account = np.clip(
        3 + np.floor(rng.pareto(1.6, a.n) * size_factor * 1.5), 3, MAX_CONTACTS
    ).astype(np.int64)
    account = block(per_account)
    starts = np.cumsum(per_account) - per_account
    rank = np.arange(account.size) - starts[account]
    m = account.size
    gid = (first + account) * MAX_CONTACTS + rank
    stage = a.stage[account]
    is_user = (rank == 0) | (rng.random(m) < USER_SHARE_BY_STAGE[stage])
    anchor_acc = np.select([a.trial != NO_TS, a.demo != NO_TS], [a.trial, a.demo], a.created)
    anchor = anchor_acc[account]
    gap_cap = np.clip(end - anchor - DAY, 0, 90 * DAY)
    gap_cap = np.where(a.declining[account], np.clip(end - 60 * DAY - anchor, 0, gap_cap), gap_cap)
    signup = np.where(rank == 0, anchor, anchor + (rng.random(m) * gap_cap).astype(np.int64))
    created = np.where(
        rank == 0,
        a.created[account],
        uniform_ts(rng, a.created[account], np.minimum(signup, end - DAY), m),
    )
    created = np.minimum(created, signup)
    active_until = np.select(
        [
            stage == ST_FREE,
            stage == ST_DEMO,
            stage == ST_TRIAL_EXPIRED,
            stage == ST_CHURNED,
        ],
        [
            signup + rng.exponential(45 * DAY, m).astype(np.int64),
            signup + 10 * DAY,
            (a.trial + 14 * DAY)[account] + rng.integers(0, 3 * DAY, m),
            a.churned[account] - rng.integers(0, 15 * DAY, m),
        ],
        end,
    )
    stops = a.declining[account] & (rng.random(m) < 0.75)
    active_until = np.where(stops, end - 30 * DAY - rng.integers(0, 15 * DAY, m), active_until)
    active_until = np.minimum(active_until, end - 10 * MINUTE)
    intensity = np.clip(rng.lognormal(np.log(0.11), 0.8, m), 0.02, 0.9)
    intensity = np.where(rank == 0, np.maximum(intensity, 0.5), intensity)
    intensity = np.where(stage == ST_DEMO, intensity * 0.3, intensity)
    first_name = pick(rng, FIRST_NAMES, m)
    last_name = pick(rng, LAST_NAMES, m)
    email = np.array(
        [
            f"{f}.{la.replace(' ', '')}@{d}".lower()
            for f, la, d in zip(first_name, last_name, a.domains[account], strict=True)
        ],
        dtype=object,
    )
    decision = np.where(rank == 0, rng.random(m) < 0.7, rng.random(m) < 0.15)
    title = np.where(
        decision,
        rng.integers(0, len(DECISION_MAKER_TITLES), m),
        len(DECISION_MAKER_TITLES) + rng.integers(0, len(OTHER_TITLES), m),
    )
    return Contacts(
        n=m,
        account=account,
        rank=rank,
        ids=np.array([f"ctc_{g:08d}" for g in gid], dtype=object),
        user_ids=np.array([f"usr_b{g:08d}" for g in gid], dtype=object),
        anon_ids=random_hex_ids(rng, m, uuid_shaped=True),
        first_name=first_name,
        last_name=last_name,
        email=email,
        title=title,
        is_user=is_user,
        signup=signup,
        created=created,
        active_until=active_until,
        intensity=intensity,
        starts=starts,
        counts=per_account,
    )


def user_of_account(rng: np.random.Generator, c: Contacts, accounts: np.ndarray) -> np.ndarray:
    """A random user (contact row with a user id) of each given account."""
    users = np.flatnonzero(c.is_user)  # sorted by account, the creator first
    first = np.searchsorted(c.account[users], accounts, side="left")
    count = np.searchsorted(c.account[users], accounts, side="right") - first
    return users[first + (rng.random(accounts.size) * count).astype(np.int64)]


def current_plan(a: Accounts) -> np.ndarray:
    return np.select(
        [a.stage == ST_TRIAL_ACTIVE, a.stage == ST_PAYING, a.stage == ST_NEW_PAYING],
        [TRIAL, a.plan1, a.plan0],
        FREE,
    )
