"""A B2C chunk: persons, sessions, shop events, the win-back campaign, identify calls, email
events, NPS responses and privacy requests."""

from __future__ import annotations

import numpy as np

from .campaign import win_back_shop
from .chunk import ChunkOutput, Identifies, concat_identifies, make_identifies, with_nones
from .core import (
    Catalog,
    Config,
    concat_events,
    new_events,
    pick,
    random_hex_ids,
    rng_for,
    uniform_ts,
)
from .email import Campaigns, Recipients, email_rows
from .industry import industry_chunk
from .persons import LINK_SIGNED_IN, LINK_SIGNED_UP, Persons, Sessions, draw_persons, draw_sessions
from .shop import refund_events, shop_events
from .vocabulary import (
    CHECKOUT_STARTED,
    DAY,
    HOUR,
    LAST_NAMES,
    LOCATION_P,
    LOCATIONS,
    NPS_COMMENTS,
    SIGNED_IN,
    SIGNED_UP,
    STREAM_B2C,
    STREAM_WIN_BACK,
    Events,
)


def b2c_identifies(
    rng: np.random.Generator, cfg: Config, p: Persons, s: Sessions, ev: Events
) -> tuple[Identifies, np.ndarray, np.ndarray]:
    """Identify calls: full traits at sign-up (or at the first sign-in of a person who signed up
    before the history), the email at a second device's sign-in, and later trait updates (a
    move, a consent change, a new last name) that omit every other trait. Returns them with
    each person's email eligibility window."""
    loc = p.location
    country = np.array([loc_[0] for loc_ in LOCATIONS], dtype=object)
    region = np.array([loc_[1] for loc_ in LOCATIONS], dtype=object)
    city = np.array([loc_[2] for loc_ in LOCATIONS], dtype=object)
    language = np.array([loc_[5] for loc_ in LOCATIONS], dtype=object)
    link_rows = np.flatnonzero(np.isin(ev["name"], (SIGNED_UP, SIGNED_IN)) & (ev["user"] >= 0))
    link_rows = link_rows[
        np.isin(s.link[ev["sess_ref"][link_rows]], (LINK_SIGNED_UP, LINK_SIGNED_IN))
    ]
    person = ev["person"][link_rows]
    full = s.anon[ev["sess_ref"][link_rows]] < p.n  # device 1: first identify, all traits
    keep_full = full
    parts = [
        make_identifies(
            p.anon_ids[s.anon[ev["sess_ref"][link_rows]]],
            p.user_ids[person],
            ev["occ"][link_rows],
            opt_in=np.where(keep_full, p.opt_in[person].astype(np.int8), -1).astype(np.int8),
            email=p.email[person],
            first_name=with_nones(p.first_name[person], keep_full),
            last_name=with_nones(p.last_name[person], keep_full),
            birth_date=with_nones(p.birth_date[person], keep_full),
            gender=with_nones(p.gender[person], keep_full),
            country=with_nones(country[loc[person]], keep_full),
            region=with_nones(region[loc[person]], keep_full),
            city=with_nones(city[loc[person]], keep_full),
            postal_code=with_nones(p.postal_code[person], keep_full),
            language=language[loc[person]],
        )
    ]
    eligible_from = np.where(p.kind == 2, cfg.start_ts - DAY, s.signup_ts)
    eligible_until = np.full(p.n, np.iinfo(np.int64).max)
    opt_in = p.opt_in.copy()

    registered = np.flatnonzero(p.kind != 0)
    upd = registered[rng.random(registered.size) < 0.22]
    when = uniform_ts(rng, s.signup_ts[upd] + HOUR, cfg.end_ts - HOUR, upd.size)
    ok = when < cfg.end_ts - HOUR
    upd, when = upd[ok], when[ok]
    kind = rng.choice(3, upd.size, p=[0.55, 0.3, 0.15])
    moved = kind == 0
    new_loc = rng.choice(len(LOCATIONS), upd.size, p=LOCATION_P / LOCATION_P.sum())
    consent = kind == 1
    new_opt = np.where(consent, (~p.opt_in[upd]).astype(np.int8), -1).astype(np.int8)
    opted_out = upd[consent & p.opt_in[upd]]
    eligible_until[opted_out] = when[consent & p.opt_in[upd]]
    opted_in = upd[consent & ~p.opt_in[upd]]
    eligible_from[opted_in] = when[consent & ~p.opt_in[upd]]
    opt_in[opted_in] = True
    renamed = kind == 2
    new_postal = np.array(
        [f"{LOCATIONS[lc][3]}{i % 100:02d}" for lc, i in zip(new_loc, upd, strict=True)],
        dtype=object,
    )
    parts.append(
        make_identifies(
            np.where(rng.random(upd.size) < 0.5, p.anon_ids[upd], None).astype(object),
            p.user_ids[upd],
            when,
            opt_in=new_opt,
            last_name=with_nones(pick(rng, LAST_NAMES, upd.size), renamed),
            country=with_nones(country[new_loc], moved),
            region=with_nones(region[new_loc], moved),
            city=with_nones(city[new_loc], moved),
            postal_code=with_nones(new_postal, moved),
        )
    )
    eligible_from = np.where(opt_in, eligible_from, np.iinfo(np.int64).max)
    return concat_identifies(parts), eligible_from, eligible_until


def b2c_small_tables(
    rng: np.random.Generator, cfg: Config, p: Persons, s: Sessions, chunk_no: int
) -> dict[str, dict[str, np.ndarray]]:
    """NPS responses (B2C, no account) and privacy requests."""
    registered = np.flatnonzero(p.kind != 0)
    respond = registered[rng.random(registered.size) < 0.04]
    score = rng.choice(
        11, respond.size, p=[0.02, 0.02, 0.02, 0.03, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3]
    )
    nps = {
        "response_id": random_hex_ids(rng, respond.size, "nps_"),
        "user_id": p.user_ids[respond],
        "account_id": np.full(respond.size, None, dtype=object),
        "score": score,
        "comment": np.where(
            rng.random(respond.size) < 0.3, pick(rng, NPS_COMMENTS, respond.size), None
        ).astype(object),
        "responded_at": uniform_ts(rng, s.signup_ts[respond], p.leave[respond], respond.size),
    }
    u = rng.random(registered.size)
    request_type = np.where(u < 0.002, 0, np.where(u < 0.006, 1, -1))
    if chunk_no == 0 and registered.size >= 2:  # every run has at least one of each
        request_type[:2] = np.maximum(request_type[:2], [0, 1])
    asked = request_type >= 0
    who = registered[asked]
    privacy = {
        "request_id": random_hex_ids(rng, who.size, "pr_"),
        "user_id": p.user_ids[who],
        "email": p.email[who],
        "request_type": np.array(["delete", "opt_out"], dtype=object)[request_type[asked]],
        "requested_at": uniform_ts(rng, s.signup_ts[who] + HOUR, cfg.end_ts - HOUR, who.size),
    }
    return {"nps_responses": nps, "privacy_requests": privacy}


def b2c_chunk(
    cfg: Config, cat: Catalog, camps: Campaigns, chunk_no: int, first_person: int, n: int
) -> ChunkOutput:
    rng = rng_for(cfg, STREAM_B2C, chunk_no)
    key_base = chunk_no << 32
    p = draw_persons(rng, cfg, first_person, n)
    s = draw_sessions(rng, cfg, p)
    shop = shop_events(rng, cfg, cat, p, s, key_base)
    shop_sessions = s
    # the win-back campaign draws from its own stream and comes after the chunk's own events,
    # so everything else is the same with or without it (only the flaws land elsewhere)
    win_rng = rng_for(cfg, STREAM_WIN_BACK, chunk_no)
    checkouts = int(np.count_nonzero(shop.events["name"] == CHECKOUT_STARTED))
    win, s = win_back_shop(win_rng, cfg, cat, p, s, shop, key_base + checkouts)
    ev = concat_events([shop.events, win.events])
    identifies, eligible_from, eligible_until = b2c_identifies(rng, cfg, p, s, ev)
    del ev["sess_ref"]
    shop.events.pop("sess_ref")
    refunds = refund_events(rng, cfg, cat, shop.events, shop.items)
    win_refunds = (
        refund_events(win_rng, cfg, cat, win.events, win.items)
        if (win.events["occ"].size)
        else new_events(0)
    )
    items = {key: np.concatenate((shop.items[key], win.items[key])) for key in shop.items}
    ev = concat_events([shop.events, refunds, win.events, win_refunds])
    del ev["person"]
    registered = p.kind != 0
    rec = Recipients(
        user=p.user_ids[registered],
        email=p.email[registered],
        eligible_from=eligible_from[registered],
        eligible_until=eligible_until[registered],
        send_p=p.send_p[registered],
        open_p=p.open_p[registered],
    )
    emails = email_rows(rng, rec, camps, cfg)
    return ChunkOutput(
        events=ev,
        items=items,
        anon_dict=p.anon_ids,
        user_dict=p.user_ids,
        account_dict=np.zeros(0, dtype=object),
        identifies=identifies,
        emails=emails,
        campaign_ids=camps.ids,
        tables=b2c_small_tables(rng, cfg, p, s, chunk_no),
        key_base=key_base,
        # keys after the chunk's own (below 2**31 of them), before the next chunk's
        kpi_events=industry_chunk(cfg, p, shop_sessions, chunk_no, key_base + (1 << 31), camps.ids),
    )
