"""The B2C shop's events: every session's browsing and funnel from product views to orders,
and the refunds that follow some orders."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .core import Catalog, Config, block, concat_events, new_events, pick_within, take_events
from .persons import LINK_SIGNED_IN, LINK_SIGNED_UP, PERIODIC_SIGN_IN, Persons, Sessions
from .vocabulary import (
    B2C_PAGES,
    CART_VIEWED,
    CATEGORIES,
    CATEGORY_POPULARITY,
    CHECKOUT_STARTED,
    COUPON_APPLIED,
    COUPONS,
    DAY,
    HOUR,
    ORDER_COMPLETED,
    ORDER_REFUNDED,
    PAGE_VIEWED,
    PRODUCT_ADDED,
    PRODUCT_LIST_VIEWED,
    PRODUCT_REMOVED,
    PRODUCT_REVIEWED,
    PRODUCT_SHARED,
    PRODUCT_VIEWED,
    PRODUCTS_SEARCHED,
    PROMOTION_CLICKED,
    PROMOTION_VIEWED,
    PROMOTIONS,
    SHARE_VIA,
    SIGNED_IN,
    SIGNED_UP,
    WISHLIST_ADDED,
    Events,
)


@dataclass
class ShopChunk:
    events: Events
    items: dict[str, np.ndarray]


def shop_events(
    rng: np.random.Generator,
    cfg: Config,
    cat: Catalog,
    p: Persons,
    s: Sessions,
    order_base: int,
    buys: bool = False,
) -> ShopChunk:
    """The events of every B2C session: sign-up / sign-in, browsing, the funnel from list
    views to orders with drop-off at every step, and engagement events. With `buys`, every
    (identified) session views, adds, checks out and orders: the win-back sessions."""
    n_s = s.person.size
    pp = s.person
    u = lambda: rng.random(n_s)  # noqa: E731
    views = rng.poisson(p.view_rate[pp]) + (1 if buys else 0)
    adds = np.where(
        (views > 0) & (buys | (u() < p.add_p[pp])), 1 + np.minimum(rng.poisson(0.4, n_s), 5), 0
    )
    checkout = (adds > 0) & s.identified & (buys | (u() < p.checkout_p[pp]))
    orders = checkout & (buys | (u() < p.order_p[pp]))
    coupon = np.where(checkout & (u() < 0.2), rng.integers(0, len(COUPONS), n_s), -1)
    removed = (adds >= 2) & (u() < 0.15)
    counts = {
        SIGNED_UP: (s.link == LINK_SIGNED_UP).astype(np.int64),
        SIGNED_IN: np.isin(s.link, (LINK_SIGNED_IN, PERIODIC_SIGN_IN)).astype(np.int64),
        PAGE_VIEWED: 1 + rng.poisson(0.6, n_s),
        PROMOTION_VIEWED: (u() < 0.25).astype(np.int64),
        PRODUCTS_SEARCHED: np.where(u() < 0.35, 1 + rng.poisson(0.3, n_s), 0),
        PRODUCT_LIST_VIEWED: rng.poisson(0.9, n_s),
        PRODUCT_VIEWED: views,
        WISHLIST_ADDED: ((views > 0) & (u() < 0.05)).astype(np.int64),
        PRODUCT_SHARED: np.where((views > 0) & (u() < p.share_p[pp]), 1 + (u() < 0.3), 0),
        PRODUCT_REVIEWED: ((views > 0) & s.identified & (u() < p.review_p[pp])).astype(np.int64),
        PRODUCT_ADDED: adds,
        PRODUCT_REMOVED: removed.astype(np.int64),
        CART_VIEWED: ((adds > 0) & (u() < 0.6)).astype(np.int64),
        CHECKOUT_STARTED: checkout.astype(np.int64),
        COUPON_APPLIED: (coupon >= 0).astype(np.int64),
        ORDER_COMPLETED: orders.astype(np.int64),
    }
    counts[PROMOTION_CLICKED] = ((counts[PROMOTION_VIEWED] > 0) & (u() < 0.3)).astype(np.int64)
    order_local = np.cumsum(checkout) - 1  # per session; valid where checkout

    # Products: views follow the person's favorite category; adds, shares, reviews and
    # wishlists pick among the session's views; orders hold the adds not removed.
    view_sess = block(views)
    view_cat = np.where(
        rng.random(view_sess.size) < p.loyalty[pp[view_sess]],
        p.fav[pp[view_sess]],
        rng.choice(len(CATEGORIES), view_sess.size, p=CATEGORY_POPULARITY),
    )
    view_product = cat.sample(rng, view_cat)
    view_starts = np.cumsum(views) - views
    add_sess = block(adds)
    add_product = view_product[pick_within(rng, add_sess, view_starts, views)]
    add_qty = rng.choice(np.array([1, 2, 3]), add_sess.size, p=[0.8, 0.15, 0.05])
    add_starts = np.cumsum(adds) - adds
    rem_sess = block(counts[PRODUCT_REMOVED])
    rem_row = pick_within(rng, rem_sess, add_starts, adds)
    add_removed = np.zeros(add_sess.size, dtype=bool)
    add_removed[rem_row] = True

    parts: list[Events] = []

    def add_part(etype: int, sess: np.ndarray, **cols: np.ndarray) -> None:
        parts.append(new_events(sess.size, name=etype, sess=sess, **cols))

    for etype in (SIGNED_UP, SIGNED_IN, CART_VIEWED):
        add_part(etype, block(counts[etype]))
    page_sess = block(counts[PAGE_VIEWED])
    add_part(PAGE_VIEWED, page_sess, page=rng.integers(0, len(B2C_PAGES), page_sess.size))
    for etype in (PROMOTION_VIEWED, PROMOTION_CLICKED):
        sess = block(counts[etype])
        # derived from the session so that a click is on the promotion the session viewed
        add_part(etype, sess, promotion=(sess * 7 + cfg.seed) % len(PROMOTIONS))
    search_sess = block(counts[PRODUCTS_SEARCHED])
    search_cat = np.where(
        rng.random(search_sess.size) < p.loyalty[pp[search_sess]],
        p.fav[pp[search_sess]],
        rng.integers(0, len(CATEGORIES), search_sess.size),
    )
    add_part(
        PRODUCTS_SEARCHED, search_sess, query=search_cat * 3 + rng.integers(0, 3, search_sess.size)
    )
    list_sess = block(counts[PRODUCT_LIST_VIEWED])
    add_part(
        PRODUCT_LIST_VIEWED,
        list_sess,
        category=np.where(
            rng.random(list_sess.size) < p.loyalty[pp[list_sess]],
            p.fav[pp[list_sess]],
            rng.integers(0, len(CATEGORIES), list_sess.size),
        ),
    )
    add_part(PRODUCT_VIEWED, view_sess, product=view_product)
    for etype in (WISHLIST_ADDED, PRODUCT_SHARED, PRODUCT_REVIEWED):
        sess = block(counts[etype])
        product = view_product[pick_within(rng, sess, view_starts, views)]
        extra: dict[str, np.ndarray] = {}
        if etype == PRODUCT_SHARED:
            extra["share"] = rng.integers(0, len(SHARE_VIA), sess.size)
        if etype == PRODUCT_REVIEWED:
            extra["rating"] = rng.choice(
                np.arange(1, 6), sess.size, p=[0.05, 0.07, 0.13, 0.3, 0.45]
            )
        add_part(etype, sess, product=product, **extra)
    add_part(PRODUCT_ADDED, add_sess, product=add_product, quantity=add_qty)
    add_part(PRODUCT_REMOVED, rem_sess, product=add_product[rem_row], quantity=add_qty[rem_row])
    for etype in (CHECKOUT_STARTED, COUPON_APPLIED, ORDER_COMPLETED):
        sess = block(counts[etype])
        add_part(
            etype,
            sess,
            order=order_base + order_local[sess],
            coupon=coupon[sess] if etype != CHECKOUT_STARTED else np.full(sess.size, -1),
        )

    ev = concat_events(parts)
    order = np.lexsort((ev["name"], ev["sess"]))
    ev = take_events(ev, order)
    gaps = rng.exponential(40.0, ev["sess"].size).astype(np.int64) + 2
    first_of_session = np.r_[True, ev["sess"][1:] != ev["sess"][:-1]] if gaps.size else gaps
    gaps[first_of_session] = 0
    cs = np.cumsum(gaps)
    offset = cs - np.maximum.accumulate(np.where(first_of_session, cs, 0))
    sess = ev["sess"]
    ev["occ"] = np.minimum(s.start[sess] + offset, cfg.end_ts - 1)
    ev["anon"] = s.anon[sess].astype(np.int32)
    ev["user"] = np.where(s.identified[sess], pp[sess], -1).astype(np.int32)
    ev["device"] = s.device[sess].astype(np.int16)
    ev["os"] = s.os[sess].astype(np.int16)
    ev["location"] = p.location[pp[sess]]
    ev["utm"] = s.utm[sess]
    ev["server"] = ev["name"] == SIGNED_UP
    ev["person"] = pp[sess]
    ev["sess_ref"] = sess

    in_order = checkout[add_sess] & ~add_removed
    items = {
        "order": order_base + order_local[add_sess[in_order]],
        "product": add_product[in_order],
        "quantity": add_qty[in_order],
    }
    items["line"] = np.arange(items["order"].size) - np.searchsorted(items["order"], items["order"])
    del ev["sess"]
    return ShopChunk(ev, items)


def refund_events(
    rng: np.random.Generator, cfg: Config, cat: Catalog, ev: Events, items: dict[str, np.ndarray]
) -> Events:
    """~6% of orders are refunded 1-20 days later: in full (60%), one line (25%), or in two
    partial refunds a few hours to days apart (15%: two different lines, or the two halves of
    a one-line order). Server-side events with the user id only. Every refund names a
    generated order, and the refunds of an order never add up to more than its revenue (the
    sum of its lines, price * quantity, as on its `Order Completed`)."""
    completed = np.flatnonzero(ev["name"] == ORDER_COMPLETED)
    refunded = completed[rng.random(completed.size) < 0.06]
    order_keys = ev["order"][refunded]
    # items are sorted by order: each order's lines are the slice [first, last)
    first = np.searchsorted(items["order"], order_keys, side="left")
    last = np.searchsorted(items["order"], order_keys, side="right")
    lines = last - first
    n = refunded.size
    line_cents = cat.price_cents[items["product"]] * items["quantity"]
    cumulative = np.concatenate(([0], np.cumsum(line_cents)))
    totals = cumulative[last] - cumulative[first]  # this order's lines only
    pick = first + (rng.random(n) * lines).astype(np.int64)
    # a different line of the same order when it has two or more
    step = 1 + (rng.random(n) * np.maximum(lines - 1, 1)).astype(np.int64)
    other = first + (pick - first + step) % np.maximum(lines, 1)
    kind = rng.choice(np.array([0, 1, 2]), n, p=[0.6, 0.25, 0.15])
    one_line = line_cents[np.minimum(pick, line_cents.size - 1)] if n else totals
    two_lines = lines >= 2
    split = (kind == 2) & (two_lines | (one_line >= 2))
    amount = np.select([kind == 0, ~split, two_lines], [totals, one_line, one_line], one_line // 2)
    second = np.where(
        two_lines,
        line_cents[np.minimum(other, line_cents.size - 1)] if n else totals,
        one_line - one_line // 2,
    )
    when = ev["occ"][refunded] + rng.integers(DAY, 20 * DAY, n)
    later = when + rng.integers(HOUR, 10 * DAY, n)
    keep = (lines > 0) & (when <= cfg.end_ts - 60)
    keep_second = keep & split & (later <= cfg.end_ts - 60)
    rows = np.concatenate((np.flatnonzero(keep), np.flatnonzero(keep_second)))
    occ = np.concatenate((when[keep], later[keep_second]))
    refund = np.concatenate((amount[keep], second[keep_second]))
    source = refunded[rows]
    return new_events(
        rows.size,
        name=ORDER_REFUNDED,
        user=ev["user"][source],
        occ=occ,
        server=True,
        order=order_keys[rows],
        refund=refund,
        location=ev["location"][source],
        person=ev["person"][source],
    )
