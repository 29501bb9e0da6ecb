"""B2C persons (who they are, how and when they shop, their devices) and their sessions
(anonymous until sign-up or sign-in, a second device, now and then a shared computer)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .core import Config, group_starts, pick, random_hex_ids, sample_times, uniform_ts
from .vocabulary import (
    B2C_DOW,
    B2C_HOURS,
    B2C_UTM_P,
    CATEGORIES,
    CATEGORY_POPULARITY,
    DAY,
    EMAIL_DOMAINS,
    FIRST_NAMES,
    GENDERS,
    HOUR,
    LAST_NAMES,
    LOCATION_P,
    LOCATION_TZ,
    LOCATIONS,
    MINUTE,
    NEWSLETTER_UTM,
    NO_TS,
    OS_BY_DEVICE,
)


@dataclass
class Persons:
    n: int
    user_ids: np.ndarray  # object
    anon_ids: np.ndarray  # object, 2n: device 1 then device 2
    kind: np.ndarray  # 0 anonymous only, 1 signs up in the history, 2 signed up before it
    archetype: np.ndarray
    arrive: np.ndarray
    leave: np.ndarray
    n_sessions: np.ndarray
    fav: np.ndarray
    loyalty: np.ndarray
    view_rate: np.ndarray
    add_p: np.ndarray
    checkout_p: np.ndarray
    order_p: np.ndarray
    share_p: np.ndarray
    review_p: np.ndarray
    location: np.ndarray
    pref_hour: np.ndarray
    device1: np.ndarray
    device2: np.ndarray
    os1: np.ndarray
    os2: np.ndarray
    has_device2: np.ndarray
    opt_in: np.ndarray
    open_p: np.ndarray
    send_p: np.ndarray
    first_name: np.ndarray
    last_name: np.ndarray
    email: np.ndarray
    birth_date: np.ndarray
    gender: np.ndarray
    postal_code: np.ndarray


REGULAR, WINDOW_SHOPPER, SHARER, ENTHUSIAST, RECENT_SIGNUP, CART_ABANDONER = range(6)
ARCHETYPE_P = np.array([0.915, 0.02, 0.015, 0.02, 0.015, 0.015])


def draw_os(rng: np.random.Generator, device: np.ndarray) -> np.ndarray:
    os_code = np.zeros(device.size, dtype=np.int16)
    for code, (choices, probs) in enumerate(OS_BY_DEVICE):
        mask = device == code
        os_code[mask] = rng.choice(choices, int(mask.sum()), p=probs)
    return os_code


def person_emails(
    rng: np.random.Generator, first: np.ndarray, last: np.ndarray, index: np.ndarray
) -> np.ndarray:
    domain = pick(rng, EMAIL_DOMAINS, first.size)
    style = rng.integers(0, 3, first.size)
    out = []
    for f, la, i, d, s in zip(first, last, index, domain, style, strict=True):
        la = la.replace(" ", "")
        local = (f"{f}.{la}{i}", f"{f[0]}{la}{i}", f"{f}_{la}.{i}")[s]
        out.append(f"{local}@{d}".lower())
    return np.array(out, dtype=object)


def draw_persons(rng: np.random.Generator, cfg: Config, first_person: int, n: int) -> Persons:
    start, end = cfg.start_ts, cfg.end_ts
    span = end - start
    index = np.arange(first_person, first_person + n)
    kind = rng.choice(3, n, p=[0.18, 0.57, 0.25]).astype(np.int8)
    archetype = np.where(kind == 0, REGULAR, rng.choice(6, n, p=ARCHETYPE_P)).astype(np.int8)
    archetype[(archetype == RECENT_SIGNUP) & (kind == 2)] = REGULAR
    arrive = np.where(kind == 2, start, start + (span * rng.random(n) ** 0.85).astype(np.int64))
    lifetime = rng.exponential(np.where(kind == 2, 300.0, 220.0) * DAY).astype(np.int64)
    leave = np.minimum(arrive + np.maximum(lifetime, 2 * DAY), end - 30 * MINUTE)
    # Planted archetypes: active until the end; window shoppers and sharers arrived earlier.
    early = start + (np.maximum(span - 40 * DAY, DAY) * rng.random(n)).astype(np.int64)
    planted = archetype != REGULAR
    arrive = np.where(
        np.isin(archetype, (WINDOW_SHOPPER, SHARER)), np.minimum(arrive, early), arrive
    )
    recent = archetype == RECENT_SIGNUP
    arrive[recent] = uniform_ts(rng, end - 25 * DAY, end - 2 * DAY, int(recent.sum()))
    leave = np.where(planted, end - 2 * HOUR, leave)
    arrive = np.minimum(arrive, leave - HOUR)
    active_days = (leave - arrive) / DAY
    rate = rng.lognormal(np.log(0.0195), 1.1, n) * np.where(planted, 1.5, 1.0)
    n_sessions = 1 + rng.poisson(np.minimum(rate, 3.0) * active_days)
    n_sessions = np.where(kind == 0, np.minimum(n_sessions, 1 + rng.poisson(1.0, n)), n_sessions)
    n_sessions = np.minimum(n_sessions, 600)

    fav = rng.choice(len(CATEGORIES), n, p=CATEGORY_POPULARITY).astype(np.int16)
    loyalty = np.where(archetype == ENTHUSIAST, 0.95, rng.beta(6, 3, n))
    buyer = (kind != 0) & (rng.random(n) < 0.62)
    checkout_p = np.where(buyer, rng.beta(3, 3, n), 0.0)
    checkout_p = np.select(
        [
            archetype == ENTHUSIAST,
            archetype == SHARER,
            np.isin(archetype, (WINDOW_SHOPPER, RECENT_SIGNUP)),
        ],
        [np.maximum(checkout_p, 0.6), np.maximum(checkout_p, 0.5), 0.0],
        checkout_p,
    )
    checkout_p = np.where(archetype == CART_ABANDONER, 0.15, checkout_p)
    add_p = np.where(archetype == CART_ABANDONER, 0.9, rng.beta(2, 5, n))
    add_p = np.where(archetype == ENTHUSIAST, np.maximum(add_p, 0.5), add_p)
    order_p = np.where(archetype == CART_ABANDONER, 0.3, 0.55 + 0.4 * rng.random(n))
    share_p = np.where(archetype == SHARER, 0.6, 0.03 * rng.random(n) * 2)
    review_p = np.where(archetype == SHARER, 0.4, 0.02 * rng.random(n) * 2)
    view_rate = rng.gamma(2.0, 1.2, n) + np.where(archetype == WINDOW_SHOPPER, 2.0, 0.0)

    location = rng.choice(len(LOCATIONS), n, p=LOCATION_P / LOCATION_P.sum()).astype(np.int16)
    pref_hour = rng.choice(24, n, p=B2C_HOURS / B2C_HOURS.sum())
    device1 = rng.choice(3, n, p=[0.58, 0.34, 0.08]).astype(np.int16)
    device2 = ((device1 + rng.integers(1, 3, n)) % 3).astype(np.int16)
    has_device2 = (kind != 0) & (rng.random(n) < 0.3)
    opt_in = (kind != 0) & ((rng.random(n) < 0.85) | (archetype == WINDOW_SHOPPER))
    # repeat buyers devoted to a category read the shop's email like window shoppers do, so
    # composed audiences such as "enthusiasts who opened 3 emails" have members
    engaged_reader = np.isin(archetype, (WINDOW_SHOPPER, ENTHUSIAST))
    open_p = np.where(archetype == WINDOW_SHOPPER, 0.85, rng.beta(1.2, 3.5, n))
    open_p = np.where(archetype == ENTHUSIAST, np.maximum(open_p, 0.9), open_p)
    send_p = np.where(engaged_reader, 0.95, 0.35)

    first_name = pick(rng, FIRST_NAMES, n)
    last_name = pick(rng, LAST_NAMES, n)
    birth_day = np.datetime64("1950-01-01") + rng.integers(0, 365 * 55, n).astype("timedelta64[D]")
    postal = rng.integers(0, 100, n)
    postal_code = np.array(
        [f"{LOCATIONS[loc][3]}{p:02d}" for loc, p in zip(location, postal, strict=True)],
        dtype=object,
    )
    return Persons(
        n=n,
        user_ids=np.array([f"usr_{i:08d}" for i in index], dtype=object),
        anon_ids=random_hex_ids(rng, 2 * n, uuid_shaped=True),
        kind=kind,
        archetype=archetype,
        arrive=arrive,
        leave=leave,
        n_sessions=n_sessions.astype(np.int64),
        fav=fav,
        loyalty=loyalty,
        view_rate=view_rate,
        add_p=add_p,
        checkout_p=checkout_p,
        order_p=order_p,
        share_p=share_p,
        review_p=review_p,
        location=location,
        pref_hour=pref_hour,
        device1=device1,
        device2=device2,
        os1=draw_os(rng, device1),
        os2=draw_os(rng, device2),
        has_device2=has_device2,
        opt_in=opt_in,
        open_p=open_p,
        send_p=send_p,
        first_name=first_name,
        last_name=last_name,
        email=person_emails(rng, first_name, last_name, index),
        birth_date=birth_day.astype(str).astype(object),
        gender=rng.choice(np.array((*GENDERS, None), dtype=object), n, p=[0.49, 0.45, 0.02, 0.04]),
        postal_code=postal_code,
    )


# ----------------------------------------------------------------------------- B2C sessions

NO_LINK, LINK_SIGNED_UP, LINK_SIGNED_IN, PERIODIC_SIGN_IN = range(4)


@dataclass
class Sessions:
    person: np.ndarray
    start: np.ndarray
    identified: np.ndarray
    link: np.ndarray
    anon: np.ndarray  # code into Persons.anon_ids
    device: np.ndarray
    os: np.ndarray
    utm: np.ndarray
    signup_ts: np.ndarray  # per person (NO_TS when never)


def draw_sessions(rng: np.random.Generator, cfg: Config, p: Persons) -> Sessions:
    """Session start times per person, and who each session is: anonymous until the person
    signs up (or, signed up before the history, signs in), a second device anonymous until
    its own sign-in, and, rarely, a second device that is a computer shared with another
    person who signed in on it first."""
    n = p.n
    tz = LOCATION_TZ[p.location]
    signs_up = p.kind == 1
    # Persons who sign up in the history browse anonymously for 0-4 sessions first, within
    # days of arriving; one session holds the sign-up; the rest follow it.
    pre_n = np.where(signs_up, np.minimum(rng.geometric(0.35, n) - 1, 4), 0)
    signup_at = np.where(
        signs_up,
        np.minimum(
            p.arrive + 2 * MINUTE + rng.exponential(4 * DAY, n).astype(np.int64), p.leave - MINUTE
        ),
        NO_TS,
    )
    main_lo = np.where(signs_up, signup_at + MINUTE, p.arrive)
    main_n = np.where(signs_up, p.n_sessions - 1, p.n_sessions)
    recent_n = np.where(
        np.isin(p.archetype, (WINDOW_SHOPPER, SHARER, CART_ABANDONER)),
        2 + rng.poisson(1.0, n),
        0,
    )
    sampled = (
        sample_times(rng, main_lo, p.leave, main_n, B2C_HOURS, B2C_DOW, tz, p.pref_hour, 0.5),
        sample_times(
            rng,
            p.arrive,
            np.maximum(signup_at - MINUTE, p.arrive),
            pre_n,
            B2C_HOURS,
            B2C_DOW,
            tz,
            p.pref_hour,
            0.5,
        ),
        sample_times(
            rng,
            np.full(n, cfg.end_ts - 6 * DAY),
            np.full(n, cfg.end_ts - 2 * HOUR),
            recent_n,
            B2C_HOURS,
            B2C_DOW,
            tz,
        ),
    )
    signup_people = np.flatnonzero(signs_up)
    owner = np.concatenate([part[0] for part in sampled] + [signup_people])
    t = np.concatenate([part[1] for part in sampled] + [signup_at[signup_people]])
    is_signup = np.r_[
        np.zeros(owner.size - signup_people.size, bool), np.ones(signup_people.size, bool)
    ]
    order = np.lexsort((~is_signup, t, owner))
    owner, t, is_signup = owner[order], t[order], is_signup[order]
    starts, _ = group_starts(owner, n)
    rank = np.arange(owner.size) - starts[owner]

    # Rank of the session that links the first device: the sign-up, or for persons who
    # signed up before the history, their first session in it.
    signup_rank = np.where(p.kind == 2, 0, np.iinfo(np.int64).max)
    signup_rank[owner[is_signup]] = rank[is_signup]
    registered = p.kind != 0
    signup_ts = np.where(registered, t[starts + np.where(registered, signup_rank, 0)], NO_TS)
    d2_start = signup_ts + (rng.random(n) * (p.leave - signup_ts)).astype(np.int64)
    on_d2 = (
        p.has_device2[owner]
        & (rank > signup_rank[owner])
        & (t >= d2_start[owner])
        & (rng.random(owner.size) < 0.5)
    )
    cum = np.cumsum(on_d2)
    before = cum[starts] - on_d2[starts]
    d2_rank = cum - before[owner] - 1
    link_rank = rng.choice(3, n, p=[0.5, 0.3, 0.2])
    identified = np.where(on_d2, d2_rank >= link_rank[owner], rank >= signup_rank[owner])
    link = np.full(owner.size, NO_LINK, dtype=np.int8)
    link[identified & (rng.random(owner.size) < 0.15)] = PERIODIC_SIGN_IN
    link[on_d2 & (d2_rank == link_rank[owner])] = LINK_SIGNED_IN
    first_link = ~on_d2 & (rank == signup_rank[owner])
    link[first_link & (p.kind[owner] == 1)] = LINK_SIGNED_UP
    link[first_link & (p.kind[owner] == 2)] = LINK_SIGNED_IN

    anon = np.where(on_d2, n + owner, owner)
    share_computer(rng, p, owner, t, on_d2, link, signup_ts, anon)

    device = np.where(on_d2, p.device2[owner], p.device1[owner])
    os_code = np.where(on_d2, p.os2[owner], p.os1[owner])
    utm = np.full(owner.size, -1, dtype=np.int16)
    first = rank == 0
    acquired = first & (rng.random(owner.size) < 0.6)
    utm[acquired] = rng.choice(len(B2C_UTM_P), int(acquired.sum()), p=B2C_UTM_P / B2C_UTM_P.sum())
    later = ~first & (rng.random(owner.size) < 0.25)
    utm[later] = np.where(
        rng.random(int(later.sum())) < 0.6,
        NEWSLETTER_UTM,
        rng.choice(len(B2C_UTM_P), int(later.sum()), p=B2C_UTM_P / B2C_UTM_P.sum()),
    )
    return Sessions(owner, t, identified, link, anon, device, os_code, utm, signup_ts)


def share_computer(
    rng: np.random.Generator,
    p: Persons,
    owner: np.ndarray,
    t: np.ndarray,
    on_d2: np.ndarray,
    link: np.ndarray,
    signup_ts: np.ndarray,
    anon: np.ndarray,
) -> None:
    """Make ~4% of second devices a computer another person signed up on earlier: the
    device's anonymous_id is then seen with two user ids (it belongs to the earlier one)."""
    link_sessions = np.flatnonzero(on_d2 & (link == LINK_SIGNED_IN))
    if link_sessions.size == 0:
        return
    chosen = link_sessions[rng.random(link_sessions.size) < 0.04]
    registered = np.flatnonzero(signup_ts != NO_TS)
    by_signup = registered[np.argsort(signup_ts[registered], kind="stable")]
    sorted_signup = signup_ts[by_signup]
    for session in chosen:  # a handful per chunk
        person = owner[session]
        earlier = int(np.searchsorted(sorted_signup, t[session] - HOUR, side="left"))
        if earlier == 0:
            continue
        partner = by_signup[int(rng.integers(0, earlier))]
        if partner == person:
            continue
        anon[(owner == person) & on_d2] = partner
