#!/usr/bin/env python3
"""Generate a realistic, deliberately flawed raw data set for the audiences project.

Writes the ten tables of the raw contract (../shared/spec/raw-contract.md) into the schema
`raw` of the DuckDB file named by `AUDIENCES_DUCKDB_PATH` (a relative path is taken from the
current directory, as dbt does; default `data/audiences.duckdb` in the repository), plus
a ledger of every injected flaw in `generator_audit.injected_flaws`.

    python scripts/generate_data.py --persons 10000 --seed 42 --end-date 2026-03-31 \
        --days 365 --flaw-rate 0.02

The data is a B2C shop (sessions with funnels, orders, refunds, identity stitching across
devices, email campaigns) and a B2B SaaS (CRM accounts and contacts, trials, subscriptions,
feature usage, metered usage, tickets, NPS) sharing one events table. Persons are generated in
chunks: every array is built with numpy, and DuckDB turns each chunk's columns into the JSON
and ISO-8601 text of the raw tables, so memory stays bounded and 10 million events take
minutes. The same arguments always give the same data: every random number comes from a numpy
Generator seeded with (seed, stream, chunk).

A win-back campaign gives the lift report something to find (`--publish-weeks N`, default 3;
0 turns it off): audiences are taken to be published at the end of each of the last N weeks
and again at the end; a person who enters dormant_shoppers at one of the first N of those
publishes and is not in its holdout orders with probability CAMPAIGN_ORDER_PROBABILITY within
13 days. No other audience's members are treated. The campaign draws from its own stream and
its events follow the chunk's own, so `--publish-weeks 0` writes exactly the data set the
generator wrote before the campaign existed.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parent))
from audiences.raw_contract import (
    FLAW_LEDGER_COLUMNS,
    FLAW_LEDGER_SCHEMA,
    FLAW_LEDGER_TABLE,
    RAW_SCHEMA,
    RAW_TABLES,
    column_names,
    database_file_problem,
    drop_incremental_staging,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = "data/audiences.duckdb"

MINUTE = 60
HOUR = 3600
DAY = 86400
MICROS = 1_000_000
NULL_INT = np.iinfo(np.int64).min
NO_TS = np.int64(-1)

WEEK = 7 * DAY

# Random streams: every chunk of every kind gets its own Generator.
STREAM_CATALOG, STREAM_CAMPAIGNS, STREAM_B2C, STREAM_B2B, STREAM_FLAWS, STREAM_WIN_BACK = range(
    1, 7
)

# The win-back campaign (--publish-weeks): audiences are published at the end of each of the
# last N weeks (T_k = end - k weeks, k = N..0); each person who enters dormant_shoppers at a
# publish T_k with k >= 1 and is not in its holdout orders with this probability, at a time
# uniform in (T_k + 1 hour, T_k + 13 days), inside the lift window (14 days). The rule and the
# holdout are the dbt project's (vars dormant_min_days, dormant_max_days, holdout_pct).
CAMPAIGN_AUDIENCE = "dormant_shoppers"
CAMPAIGN_ORDER_PROBABILITY = 0.35
CAMPAIGN_ORDER_DELAY = (HOUR, 13 * DAY)
DORMANT_MIN_DAYS, DORMANT_MAX_DAYS = 30, 90
HOLDOUT_PCT = 10

# ----------------------------------------------------------------------------- vocabularies

EVENT_NAMES = (
    "Signed Up",
    "Signed In",
    "Page Viewed",
    "Promotion Viewed",
    "Promotion Clicked",
    "Products Searched",
    "Product List Viewed",
    "Product Viewed",
    "Product Added to Wishlist",
    "Product Shared",
    "Product Reviewed",
    "Product Added",
    "Product Removed",
    "Cart Viewed",
    "Checkout Started",
    "Coupon Applied",
    "Order Completed",
    "Order Refunded",
    "Demo Requested",
    "Trial Started",
    "Feature Used",
    "Invite Sent",
    "Ad Clicked",
)
(
    SIGNED_UP,
    SIGNED_IN,
    PAGE_VIEWED,
    PROMOTION_VIEWED,
    PROMOTION_CLICKED,
    PRODUCTS_SEARCHED,
    PRODUCT_LIST_VIEWED,
    PRODUCT_VIEWED,
    WISHLIST_ADDED,
    PRODUCT_SHARED,
    PRODUCT_REVIEWED,
    PRODUCT_ADDED,
    PRODUCT_REMOVED,
    CART_VIEWED,
    CHECKOUT_STARTED,
    COUPON_APPLIED,
    ORDER_COMPLETED,
    ORDER_REFUNDED,
    DEMO_REQUESTED,
    TRIAL_STARTED,
    FEATURE_USED,
    INVITE_SENT,
    AD_CLICKED,
) = range(len(EVENT_NAMES))

UNKNOWN_EVENT_NAMES = ("Legacy Pixel Fired", "test_event", "Heartbeat", "debug_ping")
N_NAME_VARIANTS = 5


def name_variants(name: str) -> tuple[str, ...]:
    """How sloppy producers spell a canonical event name (none equals the canonical one)."""
    return (
        name.lower().replace(" ", "_"),
        name.upper(),
        name.replace(" ", "-"),
        name.lower(),
        f"  {name} ",
    )


# Written event names: canonical, then 5 variants per canonical name, then unknown names.
WRITTEN_NAMES = (
    list(EVENT_NAMES)
    + [variant for name in EVENT_NAMES for variant in name_variants(name)]
    + list(UNKNOWN_EVENT_NAMES)
)
VARIANT_BASE = len(EVENT_NAMES)
UNKNOWN_BASE = VARIANT_BASE + N_NAME_VARIANTS * len(EVENT_NAMES)

CATEGORIES = ("shoes", "electronics", "clothing", "home", "beauty", "sports", "books", "toys")
CATEGORY_MEDIAN_PRICE = np.array([85.0, 180.0, 45.0, 60.0, 28.0, 70.0, 16.0, 32.0])
CATEGORY_POPULARITY = np.array([0.16, 0.14, 0.2, 0.12, 0.1, 0.1, 0.1, 0.08])
BRANDS = (
    ("Stride", "Pacer", "Nordic Trail", "Urban Step"),
    ("Voltix", "Nimbus", "Arcwave", "Pixelon"),
    ("Loomwell", "Threadline", "Kestrel", "Meridian"),
    ("Hearthly", "Casa Nova", "Oakridge", "Brightnest"),
    ("Lumea", "Glowcraft", "Petalis", "Verde"),
    ("Apex", "Kinetic", "Summit", "Racer"),
    ("Inkwell Press", "Folio House", "Quillstone", "Paperleaf"),
    ("Tinker", "Bramble", "Jolly Robot", "Wonderbox"),
)
BRAND_NAMES = [brand for brands in BRANDS for brand in brands]
PRODUCTS_PER_CATEGORY = 250
SEARCH_QUERIES = (
    ("running shoes", "leather boots", "sneakers"),
    ("wireless headphones", "usb c charger", "smart watch"),
    ("rain jacket", "linen shirt", "wool sweater"),
    ("throw blanket", "desk lamp", "coffee grinder"),
    ("face serum", "sunscreen", "lip balm"),
    ("yoga mat", "dumbbells", "cycling gloves"),
    ("mystery novel", "cookbook", "science fiction"),
    ("lego set", "jigsaw puzzle", "plush bear"),
)
QUERY_TEXTS = [query for queries in SEARCH_QUERIES for query in queries]
COUPONS = ("WELCOME10", "SPRING15", "FREESHIP", "VIP20", "SAVE5")
PROMOTIONS = (
    "promo_spring_sale",
    "promo_free_shipping",
    "promo_new_arrivals",
    "promo_clearance",
    "promo_bundle_deal",
)
SHARE_VIA = ("email", "whatsapp", "facebook", "twitter", "pinterest", "copy_link")
B2C_PAGES = (
    "/",
    "/sale",
    "/new-arrivals",
    "/help/shipping",
    "/help/returns",
    "/account",
    "/blog/style-guide",
    "/stores",
)
B2B_PAGES = ("/dashboard", "/reports", "/settings", "/docs", "/integrations", "/billing")
PRICING_PAGE = "/pricing"
PAGE_PATHS = B2C_PAGES + B2B_PAGES + (PRICING_PAGE,)
B2B_PAGE_BASE = len(B2C_PAGES)
PRICING_CODE = len(PAGE_PATHS) - 1
FEATURES = (
    "dashboards",
    "reports",
    "alerts",
    "api",
    "integrations",
    "exports",
    "sso",
    "audit_log",
    "workflows",
    "segments",
    "sql_editor",
    "collaboration",
)
PLANS = ("free", "trial", "starter", "pro", "enterprise")
FREE, TRIAL, STARTER, PRO, ENTERPRISE = range(len(PLANS))
PLAN_SEATS = np.array([3, 10, 5, 25, 250])
PLAN_USAGE_LIMIT = np.array([1_000, 10_000, 25_000, 200_000, 2_000_000])
PLAN_BASE_MRR = np.array([0.0, 0.0, 149.0, 990.0, 5900.0])
CURRENCIES = ("USD",)
DEVICE_TYPES = ("mobile", "desktop", "tablet")
OPERATING_SYSTEMS = ("iOS", "Android", "Windows", "macOS", "Linux", "iPadOS")
OS_BY_DEVICE = (  # (os codes, probabilities) per device type
    (np.array([0, 1]), np.array([0.55, 0.45])),
    (np.array([2, 3, 4]), np.array([0.6, 0.35, 0.05])),
    (np.array([5, 1]), np.array([0.7, 0.3])),
)
UTMS = (  # (source, medium, campaign)
    ("google", "cpc", "brand_search"),
    ("google", "cpc", "generic_search"),
    ("facebook", "paid_social", "spring_sale"),
    ("instagram", "paid_social", "new_arrivals"),
    ("newsletter", "email", "weekly_picks"),
    ("tiktok", "paid_social", "creator_collab"),
    ("bing", "cpc", "brand_search"),
    ("partner", "affiliate", "partner_program"),
    ("linkedin", "paid_social", "b2b_retargeting"),
    ("google", "cpc", "b2b_analytics_software"),
    ("g2", "referral", "category_page"),
)
B2C_UTM_P = np.array([0.2, 0.2, 0.15, 0.15, 0.0, 0.1, 0.05, 0.15])
NEWSLETTER_UTM = 4
B2B_UTM_CODES = np.array([8, 9, 10])
LOCATIONS = (  # country, region, city, postal prefix, locale, language, utc offset hours
    ("US", "CA", "San Francisco", "941", "en-US", "en", -8),
    ("US", "CA", "Los Angeles", "900", "en-US", "en", -8),
    ("US", "NY", "New York", "100", "en-US", "en", -5),
    ("US", "TX", "Austin", "787", "en-US", "en", -6),
    ("US", "IL", "Chicago", "606", "en-US", "en", -6),
    ("US", "WA", "Seattle", "981", "en-US", "en", -8),
    ("GB", "England", "London", "EC1", "en-GB", "en", 0),
    ("GB", "Scotland", "Edinburgh", "EH1", "en-GB", "en", 0),
    ("DE", "Berlin", "Berlin", "101", "de-DE", "de", 1),
    ("DE", "Bavaria", "Munich", "803", "de-DE", "de", 1),
    ("FR", "Ile-de-France", "Paris", "750", "fr-FR", "fr", 1),
    ("ES", "Madrid", "Madrid", "280", "es-ES", "es", 1),
    ("NL", "North Holland", "Amsterdam", "101", "nl-NL", "nl", 1),
    ("CA", "ON", "Toronto", "M5V", "en-CA", "en", -5),
    ("AU", "NSW", "Sydney", "200", "en-AU", "en", 10),
    ("IN", "KA", "Bengaluru", "560", "en-IN", "en", 5),
    ("BR", "SP", "Sao Paulo", "010", "pt-BR", "pt", -3),
)
LOCATION_P = np.array(
    [0.08, 0.08, 0.1, 0.06, 0.06, 0.05, 0.1, 0.03, 0.06, 0.04, 0.07, 0.05, 0.04, 0.05, 0.04,
     0.03, 0.02]
)
LOCATION_TZ = np.array([loc[6] for loc in LOCATIONS], dtype=np.int64)
FIRST_NAMES = (
    "Emma", "Liam", "Olivia", "Noah", "Ava", "Elijah", "Sophia", "Lucas", "Mia", "Mateo",
    "Amelia", "Leo", "Harper", "Ethan", "Ella", "James", "Chloe", "Aarav", "Priya", "Lena",
    "Jonas", "Clara", "Hugo", "Ines", "Lucia", "Pablo", "Sanne", "Daan", "Grace", "Oliver",
    "Isla", "Jack", "Ana", "Joao", "Yuki", "Ravi", "Fatima", "Omar", "Nora", "Felix",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Martinez",
    "Lopez", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Lee", "Walker",
    "Young", "King", "Muller", "Schmidt", "Schneider", "Dubois", "Moreau", "Fernandez",
    "Jansen", "De Vries", "Patel", "Sharma", "Silva", "Santos", "Nguyen", "Kim", "Clarke",
    "Evans", "Hughes", "Fischer", "Weber", "Rossi",
)
GENDERS = ("female", "male", "non_binary")
INDUSTRIES = (
    "software",
    "financial services",
    "healthcare",
    "manufacturing",
    "retail",
    "education",
    "media",
    "logistics",
)
INDUSTRY_P = np.array([0.2, 0.12, 0.1, 0.14, 0.14, 0.1, 0.1, 0.1])
COMPANY_WORDS_A = (
    "Northwind", "Bluepeak", "Silverline", "Redwood", "Brightpath", "Clearwater", "Ironbridge",
    "Lumen", "Quantum", "Evergreen", "Summit", "Harbor", "Nimbus", "Granite", "Orchid",
    "Polaris", "Cedar", "Atlas", "Vertex", "Beacon",
)
COMPANY_WORDS_B = (
    "Analytics", "Health", "Logistics", "Labs", "Systems", "Capital", "Foods", "Media",
    "Works", "Learning", "Retail", "Dynamics", "Partners", "Robotics", "Software",
)
DECISION_MAKER_TITLES = (
    "CEO", "CTO", "VP Engineering", "Head of Data", "Director of Marketing", "VP Sales",
    "Head of Product",
)
OTHER_TITLES = (
    "Software Engineer", "Analyst", "Data Engineer", "Product Manager", "Marketing Manager",
    "Sales Representative", "Customer Success Manager", "Designer", "Data Scientist",
    "Operations Manager",
)
JOB_TITLES = DECISION_MAKER_TITLES + OTHER_TITLES
EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com")
EMAIL_EVENT_TYPES = (
    "sent", "delivered", "opened", "clicked", "bounced", "unsubscribed", "complained",
)
SENT, DELIVERED, OPENED, CLICKED, BOUNCED, UNSUBSCRIBED, COMPLAINED = range(7)
NPS_COMMENTS = (
    "Love it", "Great selection", "Shipping was slow", "Too expensive", "Support was helpful",
    "The app keeps crashing", "Easy to use", "Missing integrations we need",
    "Reports are great", "Onboarding took too long",
)
B2C_CAMPAIGN_THEMES = ("weekly_picks", "flash_sale", "new_arrivals", "back_in_stock")
B2B_CAMPAIGN_THEMES = ("product_update", "webinar_invite", "customer_story")

# Hour-of-day (local time) and day-of-week (Monday first) rhythms.
B2C_HOURS = np.array(
    [1.5, 0.8, 0.5, 0.3, 0.3, 0.5, 1.0, 2.0, 3.0, 3.5, 3.8, 4.0, 4.5, 4.0, 3.8, 3.8, 4.0,
     4.5, 5.5, 7.0, 8.0, 7.5, 5.5, 3.0]
)
B2B_HOURS = np.array(
    [0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.6, 2.0, 5.0, 7.0, 7.5, 7.0, 5.0, 6.5, 7.0, 6.5, 5.5,
     3.5, 1.5, 0.8, 0.5, 0.3, 0.2, 0.1]
)
B2C_DOW = np.array([1.0, 0.95, 0.95, 1.0, 1.05, 1.3, 1.35])
B2B_DOW = np.array([1.0, 1.0, 1.0, 1.0, 0.85, 0.12, 0.08])

# Occurred-at suffixes: UTC for clean rows, local offsets for the timezone_offset flaw.
SUFFIXES = ("Z", ".000Z", "+02:00", "-05:00", "+05:30", "+01:00", "-08:00", "+09:00")
SUFFIX_MINUTES = np.array([0, 0, 120, -300, 330, 60, -480, 540], dtype=np.int64)
OFFSET_SUFFIX_CODES = np.arange(2, len(SUFFIXES))

FLAW_TYPES = (
    "redelivered",
    "late",
    "timezone_offset",
    "future_clock",
    "name_variant",
    "number_as_string",
    "missing_identity",
    "malformed_json",
    "unknown_event_name",
    "negative_revenue",
)
(
    F_REDELIVERED,
    F_LATE,
    F_TIMEZONE,
    F_FUTURE,
    F_NAME_VARIANT,
    F_NUMBER_AS_STRING,
    F_MISSING_IDENTITY,
    F_MALFORMED_JSON,
    F_UNKNOWN_EVENT,
    F_NEGATIVE_REVENUE,
) = range(1, len(FLAW_TYPES) + 1)
FLAW_WEIGHTS = np.array([3.0, 2.0, 1.5, 0.6, 1.5, 1.0, 0.5, 0.5, 0.5, 0.25])
# Assignment order: the flaws with the fewest eligible rows pick first.
FLAW_ORDER = (
    F_NEGATIVE_REVENUE,
    F_NUMBER_AS_STRING,
    F_LATE,
    F_REDELIVERED,
    F_TIMEZONE,
    F_FUTURE,
    F_NAME_VARIANT,
    F_MISSING_IDENTITY,
    F_MALFORMED_JSON,
    F_UNKNOWN_EVENT,
)
EMAIL_FLAW_TYPES = ("redelivered", "email_case_spaces")
NUMERIC_PROPERTIES = ("price", "revenue", "quantity", "rating")
PRICED_EVENTS = (PRODUCT_VIEWED, PRODUCT_ADDED, PRODUCT_REMOVED, WISHLIST_ADDED)
REVENUE_EVENTS = (CHECKOUT_STARTED, ORDER_COMPLETED, ORDER_REFUNDED)
NO_PROPERTY_EVENTS = (SIGNED_UP, SIGNED_IN, CART_VIEWED, DEMO_REQUESTED, AD_CLICKED)

# Every column an event batch carries (code arrays index into the vocabularies above or into
# a chunk's dictionaries of ids), with its dtype and null value.
EVENT_FIELDS: dict[str, tuple[type, int]] = {
    "name": (np.int16, -1),
    "anon": (np.int32, -1),
    "user": (np.int32, -1),
    "account": (np.int32, -1),
    "occ": (np.int64, 0),
    "server": (np.bool_, False),
    "product": (np.int32, -1),
    "category": (np.int16, -1),
    "quantity": (np.int16, -1),
    "order": (np.int64, -1),
    "refund": (np.int64, NULL_INT),
    "coupon": (np.int16, -1),
    "promotion": (np.int16, -1),
    "page": (np.int16, -1),
    "query": (np.int16, -1),
    "share": (np.int16, -1),
    "rating": (np.int16, -1),
    "feature": (np.int16, -1),
    "plan": (np.int16, -1),
    "device": (np.int16, -1),
    "os": (np.int16, -1),
    "location": (np.int16, -1),
    "utm": (np.int16, -1),
}
Events = dict[str, np.ndarray]

# ----------------------------------------------------------------------------- config


@dataclass(frozen=True)
class Config:
    persons: int
    seed: int
    end_date: date
    days: int
    flaw_rate: float
    chunk_size: int
    accounts_per_chunk: int
    publish_weeks: int = 3

    @property
    def end_ts(self) -> int:
        """Epoch seconds of end_date 23:59:59 UTC, the last instant with data."""
        return epoch_seconds(self.end_date) + DAY - 1

    @property
    def start_ts(self) -> int:
        """Epoch seconds of the first day of the history, 00:00:00 UTC."""
        return epoch_seconds(self.end_date) - (self.days - 1) * DAY

    @property
    def accounts(self) -> int:
        return max(60, self.persons // 50)

    @property
    def month_start_ts(self) -> int:
        return epoch_seconds(self.end_date.replace(day=1))


def epoch_seconds(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def rng_for(cfg: Config, stream: int, chunk: int) -> np.random.Generator:
    return np.random.default_rng([cfg.seed, stream, chunk])


# ----------------------------------------------------------------------------- helpers


def uniform_ts(rng: np.random.Generator, lo: np.ndarray | int, hi: np.ndarray | int,
               n: int) -> np.ndarray:
    """Uniform epoch seconds in [lo, hi] (hi below lo collapses to lo)."""
    lo_arr = np.broadcast_to(np.asarray(lo, dtype=np.int64), (n,))
    hi_arr = np.maximum(np.broadcast_to(np.asarray(hi, dtype=np.int64), (n,)), lo_arr)
    return lo_arr + (rng.random(n) * (hi_arr - lo_arr)).astype(np.int64)


def group_starts(owner_sorted: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    counts = np.bincount(owner_sorted, minlength=n_groups).astype(np.int64)
    return np.cumsum(counts) - counts, counts


def random_hex_ids(rng: np.random.Generator, n: int, prefix: str = "",
                   uuid_shaped: bool = False) -> np.ndarray:
    """Random, practically unique ids (128 bits as UUID text, or 64 bits with a prefix)."""
    if uuid_shaped:
        raw = rng.bytes(16 * n).hex()
        ids = [
            f"{raw[i:i + 8]}-{raw[i + 8:i + 12]}-4{raw[i + 13:i + 16]}-"
            f"{raw[i + 16:i + 20]}-{raw[i + 20:i + 32]}"
            for i in range(0, 32 * n, 32)
        ]
    else:
        raw = rng.bytes(8 * n).hex()
        ids = [prefix + raw[i:i + 16] for i in range(0, 16 * n, 16)]
    return np.array(ids, dtype=object)


def pick(rng: np.random.Generator, values: Sequence[str], n: int) -> np.ndarray:
    return np.array(values, dtype=object)[rng.integers(0, len(values), n)]


def dow(epoch_day: np.ndarray) -> np.ndarray:
    """Day of week, Monday = 0 (1970-01-01 was a Thursday)."""
    return (epoch_day + 3) % 7


def sample_times(
    rng: np.random.Generator,
    lo: np.ndarray,
    hi: np.ndarray,
    counts: np.ndarray,
    hour_weights: np.ndarray,
    dow_weights: np.ndarray,
    utc_offset_hours: np.ndarray,
    pref_hour: np.ndarray | None = None,
    pref_share: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw counts[i] instants in [lo[i], hi[i]] for every owner i, with a daily rhythm in the
    owner's local time and a weekly rhythm. Returns (owner, epoch seconds), unsorted."""
    owner = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    m = owner.size
    if m == 0:
        return owner, np.zeros(0, dtype=np.int64)
    lo_o, hi_o = lo[owner], hi[owner]
    lo_day, span = lo_o // DAY, hi_o // DAY - lo_o // DAY + 1
    day = np.empty(m, dtype=np.int64)
    accept_p = dow_weights / dow_weights.max()
    pending = np.arange(m)
    for _ in range(8):
        day[pending] = lo_day[pending] + (rng.random(pending.size) * span[pending]).astype(
            np.int64
        )
        pending = pending[rng.random(pending.size) >= accept_p[dow(day[pending])]]
        if pending.size == 0:
            break
    hour = rng.choice(24, size=m, p=hour_weights / hour_weights.sum())
    if pref_hour is not None:
        own = rng.random(m) < pref_share
        hour[own] = (pref_hour[owner[own]] + rng.integers(-1, 2, own.sum())) % 24
    local = hour * HOUR + rng.integers(0, HOUR, m)
    t = day * DAY + local - utc_offset_hours[owner] * HOUR
    bad = (t < lo_o) | (t > hi_o)
    t[bad] = uniform_ts(rng, lo_o[bad], hi_o[bad], int(bad.sum()))
    return owner, t


def new_events(n: int, **columns: np.ndarray | int | bool) -> Events:
    """An event batch of n rows: given columns (arrays or scalars), the rest null."""
    ev: Events = {}
    for name, (dtype, null) in EVENT_FIELDS.items():
        value = columns.get(name, null)
        ev[name] = (
            np.asarray(value, dtype=dtype)
            if isinstance(value, np.ndarray)
            else np.full(n, value, dtype=dtype)
        )
    for name, value in columns.items():
        if name not in EVENT_FIELDS:
            ev[name] = np.asarray(value) if isinstance(value, np.ndarray) else np.full(n, value)
    return ev


def concat_events(parts: list[Events]) -> Events:
    parts = [part for part in parts if part["occ"].size]
    if not parts:
        return new_events(0)
    return {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}


def take_events(ev: Events, index: np.ndarray) -> Events:
    return {key: value[index] for key, value in ev.items()}


# ----------------------------------------------------------------------------- catalog


@dataclass(frozen=True)
class Catalog:
    product_ids: list[str]
    category: np.ndarray
    brand: np.ndarray
    price_cents: np.ndarray

    def sample(self, rng: np.random.Generator, category: np.ndarray) -> np.ndarray:
        """A product of each given category; a few bestsellers get most of the views."""
        rank = np.floor(PRODUCTS_PER_CATEGORY * rng.random(category.size) ** 2.2)
        return (category.astype(np.int64) * PRODUCTS_PER_CATEGORY + rank.astype(np.int64))


def build_catalog(cfg: Config) -> Catalog:
    rng = rng_for(cfg, STREAM_CATALOG, 0)
    n = len(CATEGORIES) * PRODUCTS_PER_CATEGORY
    category = np.repeat(np.arange(len(CATEGORIES)), PRODUCTS_PER_CATEGORY)
    brand = category * 4 + rng.integers(0, 4, n)
    dollars = np.exp(np.log(CATEGORY_MEDIAN_PRICE[category]) + rng.normal(0, 0.5, n))
    cents = np.maximum(np.floor(dollars), 1).astype(np.int64) * 100 + rng.choice(
        np.array([99, 90, 50, 0]), n, p=[0.5, 0.2, 0.1, 0.2]
    )
    product_ids = [f"prd_{i:05d}" for i in range(n)]
    return Catalog(product_ids, category.astype(np.int16), brand.astype(np.int16), cents)


# ----------------------------------------------------------------------------- campaigns


@dataclass(frozen=True)
class Campaigns:
    ids: list[str]
    send_ts: np.ndarray


def build_campaigns(cfg: Config, every_days: int, themes: Sequence[str], prefix: str,
                    stream_chunk: int) -> Campaigns:
    """One email campaign every `every_days` days over the history (last one >= 6h before
    the end), at a random hour between 08:00 and 18:00 UTC."""
    rng = rng_for(cfg, STREAM_CAMPAIGNS, stream_chunk)
    first_day = cfg.start_ts // DAY + int(rng.integers(0, every_days))
    days = np.arange(first_day, cfg.end_ts // DAY + 1, every_days, dtype=np.int64)
    days = days + rng.integers(0, max(1, every_days // 2), days.size)
    send_ts = days * DAY + rng.integers(8, 18, days.size) * HOUR
    send_ts = np.sort(send_ts[send_ts <= cfg.end_ts - 6 * HOUR])
    ids = [
        f"cmp_{datetime.fromtimestamp(int(ts), UTC):%Y%m%d}_{prefix}"
        f"{themes[int(rng.integers(0, len(themes)))]}"
        for ts in send_ts
    ]
    return Campaigns(ids, send_ts)


# ----------------------------------------------------------------------------- email


@dataclass
class Recipients:
    user: np.ndarray  # object: user_id text or None
    email: np.ndarray  # object: clean lower-case email
    eligible_from: np.ndarray
    eligible_until: np.ndarray
    send_p: np.ndarray
    open_p: np.ndarray


@dataclass
class EmailRows:
    """Email events by recipient (codes into the recipients' user ids and emails, so that the
    text is written as a dictionary rather than converted row by row)."""

    recipient: np.ndarray
    user_known: np.ndarray  # False: the ESP did not send the user id
    users: np.ndarray  # object, per recipient: user_id text or None
    emails: np.ndarray  # object, per recipient: clean lower-case email
    campaign: np.ndarray
    event_type: np.ndarray
    occ: np.ndarray


def email_rows(rng: np.random.Generator, rec: Recipients, camps: Campaigns,
               cfg: Config) -> EmailRows:
    """Sends, deliveries, opens, clicks, bounces, unsubscribes and complaints for every
    recipient and campaign; nothing is sent after a hard bounce, unsubscribe or complaint."""
    n_rec, n_camp = rec.email.size, camps.send_ts.size
    if n_rec == 0 or n_camp == 0:
        empty = np.zeros(0, dtype=np.int64)
        return EmailRows(empty, np.zeros(0, bool), rec.user, rec.email, empty, empty, empty)
    shape = (n_rec, n_camp)
    camp_t = camps.send_ts[None, :]
    send = (
        (camp_t > rec.eligible_from[:, None])
        & (camp_t < rec.eligible_until[:, None])
        & (rng.random(shape) < rec.send_p[:, None])
    )
    bounced = send & (rng.random(shape) < 0.012)
    hard_bounce = bounced & (rng.random(shape) < 0.5)
    delivered = send & ~bounced
    opened = delivered & (rng.random(shape) < rec.open_p[:, None])
    clicked = opened & (rng.random(shape) < 0.3)
    unsubscribed = opened & (rng.random(shape) < 0.008)
    complained = delivered & (rng.random(shape) < 0.0006)
    stop = hard_bounce | unsubscribed | complained
    first_stop = np.where(stop.any(axis=1), stop.argmax(axis=1), n_camp)
    keep = np.arange(n_camp)[None, :] <= first_stop[:, None]
    t_sent = camp_t + rng.integers(0, 3 * HOUR, shape)
    t_open = t_sent + np.clip(rng.lognormal(np.log(3 * HOUR), 1.3, shape), 60, 7 * DAY).astype(
        np.int64
    )
    kinds = (
        (SENT, send, t_sent),
        (DELIVERED, delivered, t_sent + rng.integers(1, 180, shape)),
        (BOUNCED, bounced, t_sent + rng.integers(5, 600, shape)),
        (OPENED, opened, t_open),
        (CLICKED, clicked, t_open + rng.integers(5, 1800, shape)),
        (UNSUBSCRIBED, unsubscribed, t_open + rng.integers(10, 600, shape)),
        (COMPLAINED, complained, t_sent + rng.integers(HOUR, 3 * DAY, shape)),
    )
    recs, campaigns, types, times = [], [], [], []
    for code, mask, when in kinds:
        r, c = np.nonzero(mask & keep)
        recs.append(r)
        campaigns.append(c)
        types.append(np.full(r.size, code, dtype=np.int16))
        times.append(when[r, c])
    r, c = np.concatenate(recs), np.concatenate(campaigns)
    event_type, occ = np.concatenate(types), np.concatenate(times)
    inside = occ <= cfg.end_ts - 60
    r, c, event_type, occ = r[inside], c[inside], event_type[inside], occ[inside]
    user_known = ~(rng.random(r.size) < 0.1)  # the ESP does not always know the user id
    return EmailRows(r, user_known, rec.user, rec.email, c, event_type, occ)


# ----------------------------------------------------------------------------- identities


@dataclass
class Identifies:
    """Columns of raw.identifies rows (object arrays hold text or None)."""

    anon: np.ndarray
    user: np.ndarray
    occ: np.ndarray
    traits: dict[str, np.ndarray]  # trait name -> object array (None = key omitted)
    opt_in: np.ndarray  # int8: 1 true, 0 false, -1 omitted


TRAIT_KEYS = (
    "email", "first_name", "last_name", "birth_date", "gender", "country", "region", "city",
    "postal_code", "language", "job_title",
)


def make_identifies(anon: np.ndarray, user: np.ndarray, occ: np.ndarray,
                    opt_in: np.ndarray | None = None, **traits: np.ndarray) -> Identifies:
    n = occ.size
    full = {key: traits.get(key, np.full(n, None, dtype=object)) for key in TRAIT_KEYS}
    return Identifies(
        anon, user, occ, full,
        opt_in if opt_in is not None else np.full(n, -1, dtype=np.int8),
    )


def concat_identifies(parts: list[Identifies]) -> Identifies:
    return Identifies(
        np.concatenate([p.anon for p in parts]),
        np.concatenate([p.user for p in parts]),
        np.concatenate([p.occ for p in parts]),
        {key: np.concatenate([p.traits[key] for p in parts]) for key in TRAIT_KEYS},
        np.concatenate([p.opt_in for p in parts]),
    )


def with_nones(values: np.ndarray, keep: np.ndarray) -> np.ndarray:
    out = values.astype(object, copy=True)
    out[~keep] = None
    return out


# ----------------------------------------------------------------------------- B2C persons


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


def person_emails(rng: np.random.Generator, first: np.ndarray, last: np.ndarray,
                  index: np.ndarray) -> np.ndarray:
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
    arrive = np.where(np.isin(archetype, (WINDOW_SHOPPER, SHARER)), np.minimum(arrive, early),
                      arrive)
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
        [archetype == ENTHUSIAST, archetype == SHARER, np.isin(archetype, (WINDOW_SHOPPER,
                                                                            RECENT_SIGNUP))],
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
    birth_day = (
        np.datetime64("1950-01-01") + rng.integers(0, 365 * 55, n).astype("timedelta64[D]")
    )
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
        gender=rng.choice(np.array((*GENDERS, None), dtype=object), n,
                          p=[0.49, 0.45, 0.02, 0.04]),
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
        np.minimum(p.arrive + 2 * MINUTE + rng.exponential(4 * DAY, n).astype(np.int64),
                   p.leave - MINUTE),
        NO_TS,
    )
    main_lo = np.where(signs_up, signup_at + MINUTE, p.arrive)
    main_n = np.where(signs_up, p.n_sessions - 1, p.n_sessions)
    recent_n = np.where(
        np.isin(p.archetype, (WINDOW_SHOPPER, SHARER, CART_ABANDONER)), 2 + rng.poisson(1.0, n),
        0,
    )
    sampled = (
        sample_times(rng, main_lo, p.leave, main_n, B2C_HOURS, B2C_DOW, tz, p.pref_hour, 0.5),
        sample_times(rng, p.arrive, np.maximum(signup_at - MINUTE, p.arrive), pre_n, B2C_HOURS,
                     B2C_DOW, tz, p.pref_hour, 0.5),
        sample_times(rng, np.full(n, cfg.end_ts - 6 * DAY), np.full(n, cfg.end_ts - 2 * HOUR),
                     recent_n, B2C_HOURS, B2C_DOW, tz),
    )
    signup_people = np.flatnonzero(signs_up)
    owner = np.concatenate([part[0] for part in sampled] + [signup_people])
    t = np.concatenate([part[1] for part in sampled] + [signup_at[signup_people]])
    is_signup = np.r_[np.zeros(owner.size - signup_people.size, bool),
                      np.ones(signup_people.size, bool)]
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
    utm[later] = np.where(rng.random(int(later.sum())) < 0.6, NEWSLETTER_UTM,
                          rng.choice(len(B2C_UTM_P), int(later.sum()),
                                     p=B2C_UTM_P / B2C_UTM_P.sum()))
    return Sessions(owner, t, identified, link, anon, device, os_code, utm, signup_ts)


def share_computer(rng: np.random.Generator, p: Persons, owner: np.ndarray, t: np.ndarray,
                   on_d2: np.ndarray, link: np.ndarray, signup_ts: np.ndarray,
                   anon: np.ndarray) -> None:
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


# ----------------------------------------------------------------------------- B2C events


@dataclass
class ShopChunk:
    events: Events
    items: dict[str, np.ndarray]


def block(counts: np.ndarray) -> np.ndarray:
    return np.repeat(np.arange(counts.size, dtype=np.int64), counts)


def pick_within(rng: np.random.Generator, session: np.ndarray, starts: np.ndarray,
                counts: np.ndarray) -> np.ndarray:
    """For each entry of `session`, a random row of that session's block."""
    return starts[session] + (rng.random(session.size) * counts[session]).astype(np.int64)


def shop_events(rng: np.random.Generator, cfg: Config, cat: Catalog, p: Persons,
                s: Sessions, order_base: int, buys: bool = False) -> ShopChunk:
    """The events of every B2C session: sign-up / sign-in, browsing, the funnel from list
    views to orders with drop-off at every step, and engagement events. With `buys`, every
    (identified) session views, adds, checks out and orders: the win-back sessions."""
    n_s = s.person.size
    pp = s.person
    u = lambda: rng.random(n_s)  # noqa: E731
    views = rng.poisson(p.view_rate[pp]) + (1 if buys else 0)
    adds = np.where((views > 0) & (buys | (u() < p.add_p[pp])),
                    1 + np.minimum(rng.poisson(0.4, n_s), 5), 0)
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
    counts[PROMOTION_CLICKED] = (
        (counts[PROMOTION_VIEWED] > 0) & (u() < 0.3)
    ).astype(np.int64)
    order_local = np.cumsum(checkout) - 1  # per session; valid where checkout

    # Products: views follow the person's favorite category; adds, shares, reviews and
    # wishlists pick among the session's views; orders hold the adds not removed.
    view_sess = block(views)
    view_cat = np.where(rng.random(view_sess.size) < p.loyalty[pp[view_sess]],
                        p.fav[pp[view_sess]],
                        rng.choice(len(CATEGORIES), view_sess.size, p=CATEGORY_POPULARITY))
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
    search_cat = np.where(rng.random(search_sess.size) < p.loyalty[pp[search_sess]],
                          p.fav[pp[search_sess]], rng.integers(0, len(CATEGORIES),
                                                               search_sess.size))
    add_part(PRODUCTS_SEARCHED, search_sess,
             query=search_cat * 3 + rng.integers(0, 3, search_sess.size))
    list_sess = block(counts[PRODUCT_LIST_VIEWED])
    add_part(PRODUCT_LIST_VIEWED, list_sess,
             category=np.where(rng.random(list_sess.size) < p.loyalty[pp[list_sess]],
                               p.fav[pp[list_sess]],
                               rng.integers(0, len(CATEGORIES), list_sess.size)))
    add_part(PRODUCT_VIEWED, view_sess, product=view_product)
    for etype in (WISHLIST_ADDED, PRODUCT_SHARED, PRODUCT_REVIEWED):
        sess = block(counts[etype])
        product = view_product[pick_within(rng, sess, view_starts, views)]
        extra: dict[str, np.ndarray] = {}
        if etype == PRODUCT_SHARED:
            extra["share"] = rng.integers(0, len(SHARE_VIA), sess.size)
        if etype == PRODUCT_REVIEWED:
            extra["rating"] = rng.choice(np.arange(1, 6), sess.size,
                                         p=[0.05, 0.07, 0.13, 0.3, 0.45])
        add_part(etype, sess, product=product, **extra)
    add_part(PRODUCT_ADDED, add_sess, product=add_product, quantity=add_qty)
    add_part(PRODUCT_REMOVED, rem_sess, product=add_product[rem_row], quantity=add_qty[rem_row])
    for etype in (CHECKOUT_STARTED, COUPON_APPLIED, ORDER_COMPLETED):
        sess = block(counts[etype])
        add_part(etype, sess, order=order_base + order_local[sess],
                 coupon=coupon[sess] if etype != CHECKOUT_STARTED else np.full(sess.size, -1))

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
    items["line"] = np.arange(items["order"].size) - np.searchsorted(items["order"],
                                                                      items["order"])
    del ev["sess"]
    return ShopChunk(ev, items)


def refund_events(rng: np.random.Generator, cfg: Config, cat: Catalog, ev: Events,
                  items: dict[str, np.ndarray]) -> Events:
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
    amount = np.select([kind == 0, ~split, two_lines], [totals, one_line, one_line],
                       one_line // 2)
    second = np.where(two_lines, line_cents[np.minimum(other, line_cents.size - 1)] if n
                      else totals, one_line - one_line // 2)
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


# ----------------------------------------------------------------------------- win-back


def publish_times(cfg: Config) -> np.ndarray:
    """The weekly publishes, in time order: T_k = end - k weeks for k = N, ..., 1, 0."""
    return cfg.end_ts - WEEK * np.arange(cfg.publish_weeks, -1, -1, dtype=np.int64)


def is_held_out(audience: str, member_ids: Sequence[str]) -> np.ndarray:
    """The spec's holdout (Serving), as macros/holdouts.sql computes it: the first 8 hex digits
    of md5(audience || ':' || member_id), as an integer, modulo 100, below HOLDOUT_PCT."""
    return np.array(
        [int(hashlib.md5(f"{audience}:{member}".encode()).hexdigest()[:8], 16) % 100
         < HOLDOUT_PCT for member in member_ids],
        dtype=bool,
    )


def win_back_orders(rng: np.random.Generator, cfg: Config, p: Persons,
                    ev: Events) -> tuple[np.ndarray, np.ndarray]:
    """(person, order time) of the win-back campaign's orders. At each publish T_k, k = N..1
    in time order, the persons dormant at T_k (last order up to T_k in [T_k - 90 days,
    T_k - 30 days)) who were not at T_{k+1} enter dormant_shoppers (at T_N every dormant
    person enters); each entrant outside the holdout orders with CAMPAIGN_ORDER_PROBABILITY
    within CAMPAIGN_ORDER_DELAY of T_k. Later publishes see these orders. Orders that would
    fall after the end of the data are not made (they have not happened yet)."""
    empty = np.zeros(0, dtype=np.int64)
    if cfg.publish_weeks <= 0:
        return empty, empty
    completed = ev["name"] == ORDER_COMPLETED
    buyer = ev["person"][completed].astype(np.int64)
    ordered_at = ev["occ"][completed]
    dormant_before = np.zeros(p.n, dtype=bool)
    made_person, made_at = [empty], [empty]
    for publish in publish_times(cfg)[:-1]:
        seen = ordered_at <= publish
        last = np.full(p.n, NO_TS)
        np.maximum.at(last, buyer[seen], ordered_at[seen])
        dormant = (
            (last != NO_TS)
            & (last >= publish - DORMANT_MAX_DAYS * DAY)
            & (last < publish - DORMANT_MIN_DAYS * DAY)
        )
        entered = np.flatnonzero(dormant & ~dormant_before)
        dormant_before = dormant
        treated = entered[~is_held_out(CAMPAIGN_AUDIENCE, p.user_ids[entered])]
        buys = treated[rng.random(treated.size) < CAMPAIGN_ORDER_PROBABILITY]
        lo, hi = CAMPAIGN_ORDER_DELAY
        when = uniform_ts(rng, publish + lo + 1, publish + hi, buys.size)
        buyer = np.concatenate((buyer, buys))
        ordered_at = np.concatenate((ordered_at, when))
        made = when <= cfg.end_ts - 10 * MINUTE
        made_person.append(buys[made])
        made_at.append(when[made])
    return np.concatenate(made_person), np.concatenate(made_at)


def win_back_sessions(rng: np.random.Generator, p: Persons, s: Sessions, person: np.ndarray,
                      start: np.ndarray) -> Sessions:
    """One signed-in session per campaign order, on the person's first device, arriving from
    the email (utm newsletter / email)."""
    m = person.size
    return Sessions(
        person=person,
        start=start,
        identified=np.ones(m, dtype=bool),
        link=np.where(rng.random(m) < 0.15, PERIODIC_SIGN_IN, NO_LINK).astype(np.int8),
        anon=person.copy(),
        device=p.device1[person],
        os=p.os1[person],
        utm=np.full(m, NEWSLETTER_UTM, dtype=np.int16),
        signup_ts=s.signup_ts,
    )


def concat_sessions(a: Sessions, b: Sessions) -> Sessions:
    fields = ("person", "start", "identified", "link", "anon", "device", "os", "utm")
    return Sessions(**{f: np.concatenate((getattr(a, f), getattr(b, f))) for f in fields},
                    signup_ts=a.signup_ts)


def win_back_shop(rng: np.random.Generator, cfg: Config, cat: Catalog, p: Persons,
                  s: Sessions, shop: ShopChunk, order_base: int) -> tuple[ShopChunk, Sessions]:
    """The campaign's orders as sessions through the funnel (views, adds, checkout, order, with
    the person's tastes), each order at its drawn time. Returns their events (sess_ref
    numbered after the chunk's sessions) and items, and the chunk's sessions with them."""
    person, ordered_at = win_back_orders(rng, cfg, p, shop.events)
    if person.size == 0:
        return ShopChunk(new_events(0), {key: value[:0] for key, value in shop.items.items()}), s
    # start a day early so no event is clamped at the end of the data, then move each
    # session so that its order falls on the drawn time
    ws = win_back_sessions(rng, p, s, person, ordered_at - DAY)
    extra = shop_events(rng, cfg, cat, p, ws, order_base, buys=True)
    ev = extra.events
    is_order = ev["name"] == ORDER_COMPLETED
    shift = np.zeros(person.size, dtype=np.int64)
    shift[ev["sess_ref"][is_order]] = ordered_at[ev["sess_ref"][is_order]] - ev["occ"][is_order]
    ev["occ"] = ev["occ"] + shift[ev["sess_ref"]]
    ev["sess_ref"] = ev["sess_ref"] + s.person.size
    return extra, concat_sessions(s, ws)


# ----------------------------------------------------------------------------- B2C chunk


@dataclass
class ChunkOutput:
    events: Events
    items: dict[str, np.ndarray]
    anon_dict: np.ndarray
    user_dict: np.ndarray
    account_dict: np.ndarray
    identifies: Identifies
    emails: EmailRows
    campaign_ids: list[str]
    tables: dict[str, dict[str, np.ndarray]]
    key_base: int


def b2c_identifies(rng: np.random.Generator, cfg: Config, p: Persons, s: Sessions,
                   ev: Events) -> tuple[Identifies, np.ndarray, np.ndarray]:
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


def b2c_small_tables(rng: np.random.Generator, cfg: Config, p: Persons, s: Sessions,
                     chunk_no: int) -> dict[str, dict[str, np.ndarray]]:
    """NPS responses (B2C, no account) and privacy requests."""
    registered = np.flatnonzero(p.kind != 0)
    respond = registered[rng.random(registered.size) < 0.04]
    score = rng.choice(11, respond.size, p=[0.02, 0.02, 0.02, 0.03, 0.03, 0.05, 0.08, 0.1,
                                            0.15, 0.2, 0.3])
    nps = {
        "response_id": random_hex_ids(rng, respond.size, "nps_"),
        "user_id": p.user_ids[respond],
        "account_id": np.full(respond.size, None, dtype=object),
        "score": score,
        "comment": np.where(rng.random(respond.size) < 0.3,
                            pick(rng, NPS_COMMENTS, respond.size), None).astype(object),
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


def b2c_chunk(cfg: Config, cat: Catalog, camps: Campaigns, chunk_no: int, first_person: int,
              n: int) -> ChunkOutput:
    rng = rng_for(cfg, STREAM_B2C, chunk_no)
    key_base = chunk_no << 32
    p = draw_persons(rng, cfg, first_person, n)
    s = draw_sessions(rng, cfg, p)
    shop = shop_events(rng, cfg, cat, p, s, key_base)
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
    win_refunds = refund_events(win_rng, cfg, cat, win.events, win.items) if (
        win.events["occ"].size) else new_events(0)
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
    )


# ----------------------------------------------------------------------------- B2B

(ST_FREE, ST_DEMO, ST_TRIAL_ACTIVE, ST_TRIAL_EXPIRED, ST_PAYING, ST_NEW_PAYING,
 ST_CHURNED) = range(7)
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

    def set_where(arr: np.ndarray, mask: np.ndarray, lo: np.ndarray | int,
                  hi: np.ndarray | int) -> None:
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
    mrr1 = np.where(upgrade, np.round(np.maximum(PLAN_BASE_MRR[plan1] * rng.uniform(0.9, 1.6, n),
                                                 mrr0 * 1.3), 2), mrr0)
    mrr0, mrr1 = np.where(paying, mrr0, 0.0), np.where(paying, mrr1, 0.0)
    names, domains = company_names(rng, index)
    features = np.stack([rng.permutation(len(FEATURES))[:3] for _ in range(n)]) if n else (
        np.zeros((0, 3), dtype=np.int64))
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
        pricing_intent=np.where(st == ST_PAYING, rng.random(n) < 0.2,
                                (st == ST_FREE) & (rng.random(n) < 0.35)),
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
    per_account = np.clip(3 + np.floor(rng.pareto(1.6, a.n) * size_factor * 1.5), 3,
                          MAX_CONTACTS).astype(np.int64)
    account = block(per_account)
    starts = np.cumsum(per_account) - per_account
    rank = np.arange(account.size) - starts[account]
    m = account.size
    gid = (first + account) * MAX_CONTACTS + rank
    stage = a.stage[account]
    is_user = (rank == 0) | (rng.random(m) < USER_SHARE_BY_STAGE[stage])
    anchor_acc = np.select(
        [a.trial != NO_TS, a.demo != NO_TS], [a.trial, a.demo], a.created
    )
    anchor = anchor_acc[account]
    gap_cap = np.clip(end - anchor - DAY, 0, 90 * DAY)
    gap_cap = np.where(a.declining[account], np.clip(end - 60 * DAY - anchor, 0, gap_cap),
                       gap_cap)
    signup = np.where(rank == 0, anchor, anchor + (rng.random(m) * gap_cap).astype(np.int64))
    created = np.where(rank == 0, a.created[account],
                       uniform_ts(rng, a.created[account], np.minimum(signup, end - DAY), m))
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
        [f"{f}.{la.replace(' ', '')}@{d}".lower()
         for f, la, d in zip(first_name, last_name, a.domains[account], strict=True)],
        dtype=object,
    )
    decision = np.where(rank == 0, rng.random(m) < 0.7, rng.random(m) < 0.15)
    title = np.where(decision, rng.integers(0, len(DECISION_MAKER_TITLES), m),
                     len(DECISION_MAKER_TITLES) + rng.integers(0, len(OTHER_TITLES), m))
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


def saas_session_events(rng: np.random.Generator, cfg: Config, a: Accounts,
                        c: Contacts) -> Events:
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
            cols["feature"] = np.where(own, a.features[account[sess], rng.integers(0, 3,
                                                                               sess.size)],
                                       rng.integers(0, len(FEATURES), sess.size))
        if etype == PAGE_VIEWED:
            pricing = rng.random(sess.size) < np.where(paying[sess], 0.03, 0.08)
            cols["page"] = np.where(pricing, PRICING_CODE,
                                    B2B_PAGE_BASE + rng.integers(0, len(B2B_PAGES), sess.size))
        if etype == AD_CLICKED:
            cols["utm"] = np.full(sess.size, 8)
        parts.append(new_events(sess.size, name=etype, sess=sess,
                                stage=np.where(etype == SIGNED_IN, 0,
                                               rng.integers(1, 1000, sess.size)), **cols))
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


def saas_milestone_events(rng: np.random.Generator, cfg: Config, a: Accounts,
                          c: Contacts) -> Events:
    """One-off B2B events: sign-ups, invites, demo requests, trial starts, checkouts, and the
    planted intent signals (pricing-page views, ad clicks)."""
    end = cfg.end_ts
    creator = c.starts  # contact row of each account's first user
    parts: list[Events] = []

    def add(contact: np.ndarray, when: np.ndarray, etype: int, user: bool = True,
            **cols: np.ndarray | int) -> None:
        parts.append(new_events(
            contact.size, name=etype, occ=when,
            anon=contact.astype(np.int32),
            user=np.where(user, contact, -1).astype(np.int32),
            account=c.account[contact].astype(np.int32),
            device=np.int16(1), os=np.int16(3),
            location=a.location[c.account[contact]].astype(np.int16),
            **cols,
        ))

    users = np.flatnonzero(c.is_user)
    add(users, c.signup[users], SIGNED_UP, server=True)
    invited = users[c.rank[users] > 0]
    inviter = creator[c.account[invited]]
    add(inviter, np.maximum(c.signup[invited] - rng.integers(10 * MINUTE, 2 * DAY, invited.size),
                            c.signup[inviter]), INVITE_SENT)
    demo_acc = np.flatnonzero(a.demo != NO_TS)
    add(creator[demo_acc], a.demo[demo_acc], DEMO_REQUESTED,
        user=a.stage[demo_acc] == ST_DEMO, utm=rng.choice(B2B_UTM_CODES, demo_acc.size))
    trial_acc = np.flatnonzero(a.trial != NO_TS)
    add(creator[trial_acc], a.trial[trial_acc] + 5, TRIAL_STARTED, plan=a.plan0[trial_acc])
    paid_acc = np.flatnonzero(a.paid != NO_TS)
    add(creator[paid_acc], a.paid[paid_acc] - rng.integers(10 * MINUTE, 2 * DAY, paid_acc.size),
        CHECKOUT_STARTED, plan=a.plan0[paid_acc])
    lost = np.flatnonzero(a.checkout_no_sub)
    add(creator[lost], a.trial[lost] + 14 * DAY - rng.integers(HOUR, 3 * DAY, lost.size),
        CHECKOUT_STARTED, plan=a.plan0[lost])
    # Planted intent: free accounts 3-6 pricing views in 14 days, paying ones 2-4 in 30 days.
    intent = np.flatnonzero(a.pricing_intent)
    paying_intent = a.stage[intent] == ST_PAYING
    k = np.where(paying_intent, rng.integers(2, 5, intent.size), rng.integers(3, 7, intent.size))
    acc = np.repeat(intent, k)
    window = np.where(a.stage[acc] == ST_PAYING, 29 * DAY, 13 * DAY)
    who = user_of_account(rng, c, acc)
    add(who, uniform_ts(rng, end - window, end - HOUR, acc.size), PAGE_VIEWED,
        page=np.full(acc.size, PRICING_CODE))
    ads = np.flatnonzero(a.ad_click)
    add(user_of_account(rng, c, ads), uniform_ts(rng, end - 29 * DAY, end - HOUR, ads.size),
        AD_CLICKED, utm=np.full(ads.size, 8))
    ev = concat_events(parts)
    inside = (ev["occ"] >= cfg.start_ts) & (ev["occ"] <= end - 1)
    return take_events(ev, np.flatnonzero(inside))


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


def b2b_identifies(rng: np.random.Generator, cfg: Config, a: Accounts, c: Contacts,
                   ev: Events) -> Identifies:
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
    later = uniform_ts(rng, np.maximum(c.signup[changed], cfg.start_ts) + DAY, cfg.end_ts - HOUR,
                       changed.size)
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
        touched = np.where(latest[idx] == v,
                           np.minimum(touched + rng.integers(0, 30 * DAY, idx.size), end),
                           touched)
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


def crm_contact_rows(rng: np.random.Generator, cfg: Config, a: Accounts,
                     c: Contacts) -> dict[str, np.ndarray]:
    """One row per contact, two when the contact signed up after the CRM knew them (the
    older row without the user id)."""
    stage = a.stage[c.account]
    final_status = np.select(
        [np.isin(stage, (ST_PAYING, ST_NEW_PAYING)), stage == ST_CHURNED,
         stage == ST_TRIAL_ACTIVE, stage == ST_TRIAL_EXPIRED, stage == ST_DEMO],
        [0, 1, 2, 3, 4],
        5,
    )
    options = (
        ("customer",), ("unqualified", "working"), ("qualified",), ("working", "unqualified"),
        ("working", "qualified"), ("new", "working", "unqualified"),
    )
    status = np.array(
        [options[f][int(x * len(options[f]))] for f, x in zip(final_status, rng.random(c.n),
                                                                strict=True)],
        dtype=object,
    )
    base = np.array([30, 55, 70, 45, 85, 80, 25])[stage]
    score = np.clip(base + rng.normal(0, 12, c.n) + (c.title < len(DECISION_MAKER_TITLES)) * 10,
                    0, 100).astype(np.int64)
    two_rows = c.is_user & (c.signup > c.created + HOUR)
    old = np.flatnonzero(two_rows)
    updated = np.where(c.is_user, c.signup, uniform_ts(rng, c.created, cfg.end_ts - HOUR, c.n))
    updated = np.minimum(np.maximum(updated, c.created), cfg.end_ts)
    titles = np.array(JOB_TITLES, dtype=object)
    return {
        "contact_id": np.concatenate([c.ids[old], c.ids]),
        "user_id": np.concatenate([np.full(old.size, None, dtype=object),
                                   with_nones(c.user_ids, c.is_user)]),
        "account_id": np.concatenate([a.ids[c.account[old]], a.ids[c.account]]),
        "email": np.concatenate([c.email[old], c.email]),
        "job_title": np.concatenate([titles[c.title[old]], titles[c.title]]),
        "lead_status": np.concatenate([np.full(old.size, "new", dtype=object), status]),
        "lead_score": np.concatenate([np.minimum(score[old], 40), score]),
        "created_at": np.concatenate([c.created[old], c.created]),
        "updated_at": np.concatenate([c.created[old], updated]),
    }


def subscription_rows(rng: np.random.Generator, cfg: Config, a: Accounts,
                      c: Contacts) -> dict[str, np.ndarray]:
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


def usage_rows(rng: np.random.Generator, cfg: Config, a: Accounts,
               ev: Events) -> dict[str, np.ndarray]:
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
        np.bincount(account, minlength=a.n), 1)
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


def ticket_rows(rng: np.random.Generator, cfg: Config, a: Accounts,
                c: Contacts) -> dict[str, np.ndarray]:
    rate = np.array([0.05, 0.05, 0.4, 0.2, 0.7, 0.8, 0.5])[a.stage]
    lo = np.maximum(a.created, cfg.start_ts)
    hi = np.where(a.churned != NO_TS, a.churned, cfg.end_ts - HOUR)
    n_t = rng.poisson(rate * np.maximum(hi - lo, 0) / (30 * DAY))
    planted = np.where(a.declining, rng.integers(3, 6, a.n), 0)
    acc = np.concatenate([block(n_t), block(planted)])
    opened = np.concatenate([
        uniform_ts(rng, lo[block(n_t)], hi[block(n_t)], int(n_t.sum())),
        uniform_ts(rng, cfg.end_ts - 28 * DAY, cfg.end_ts - HOUR, int(planted.sum())),
    ])
    m = acc.size
    closed = opened + np.clip(rng.lognormal(np.log(20 * HOUR), 1.2, m), 600, 30 * DAY).astype(
        np.int64)
    is_closed = closed <= cfg.end_ts
    status = np.where(is_closed, np.where(rng.random(m) < 0.7, "solved", "closed"),
                      np.where(rng.random(m) < 0.6, "open", "pending")).astype(object)
    csat = np.where(
        is_closed & (rng.random(m) < 0.55),
        np.where(a.declining[acc], rng.integers(1, 4, m),
                 rng.choice(np.arange(1, 6), m, p=[0.05, 0.08, 0.15, 0.32, 0.4])),
        NULL_INT,
    )
    user = with_nones(c.user_ids[user_of_account(rng, c, acc)], rng.random(m) >= 0.1)
    return {
        "ticket_id": random_hex_ids(rng, m, "tkt_"),
        "account_id": a.ids[acc],
        "user_id": user,
        "opened_at": opened,
        "closed_at": np.where(is_closed, closed, NO_TS),
        "priority": rng.choice(np.array(["low", "normal", "high", "urgent"], dtype=object), m,
                               p=[0.3, 0.45, 0.18, 0.07]),
        "status": status,
        "csat_score": csat,
    }


def b2b_nps_rows(rng: np.random.Generator, cfg: Config, a: Accounts,
                 c: Contacts) -> dict[str, np.ndarray]:
    users = np.flatnonzero(c.is_user & (rng.random(c.n) < 0.3))
    lo = np.maximum(c.signup[users], cfg.start_ts)
    hi = np.minimum(c.active_until[users], cfg.end_ts - 25 * DAY)
    users, lo, hi = users[hi > lo], lo[hi > lo], hi[hi > lo]
    declining = a.declining[c.account[users]]
    score = np.where(declining, rng.integers(0, 7, users.size),
                     rng.choice(11, users.size, p=[0.02, 0.01, 0.02, 0.03, 0.04, 0.05, 0.08,
                                                   0.15, 0.2, 0.2, 0.2]))
    detractors = c.starts[np.flatnonzero(a.declining)]
    users = np.concatenate([users, detractors])
    when = np.concatenate([uniform_ts(rng, lo, hi, lo.size),
                           cfg.end_ts - rng.integers(DAY, 20 * DAY, detractors.size)])
    score = np.concatenate([score, rng.integers(0, 6, detractors.size)])
    return {
        "response_id": random_hex_ids(rng, users.size, "nps_"),
        "user_id": c.user_ids[users],
        "account_id": a.ids[c.account[users]],
        "score": score,
        "comment": np.where(rng.random(users.size) < 0.35,
                            pick(rng, NPS_COMMENTS, users.size), None).astype(object),
        "responded_at": when,
    }


def b2b_chunk(cfg: Config, camps: Campaigns, chunk_no: int, first_account: int,
              n: int) -> ChunkOutput:
    rng = rng_for(cfg, STREAM_B2B, chunk_no)
    a = draw_accounts(rng, cfg, first_account, n)
    c = draw_contacts(rng, cfg, a, first_account)
    ev = concat_events([saas_session_events(rng, cfg, a, c), saas_milestone_events(rng, cfg, a,
                                                                                   c)])
    rec = Recipients(
        user=with_nones(c.user_ids, c.is_user),
        email=c.email,
        eligible_from=c.created,
        eligible_until=np.full(c.n, np.iinfo(np.int64).max),
        send_p=np.full(c.n, 0.7),
        open_p=np.where(a.declining[c.account] | (a.stage[c.account] == ST_TRIAL_EXPIRED), 0.0,
                        rng.beta(1.5, 4, c.n)),
    )
    return ChunkOutput(
        events=ev,
        items={"order": np.zeros(0, np.int64), "product": np.zeros(0, np.int64),
               "quantity": np.zeros(0, np.int64), "line": np.zeros(0, np.int64)},
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


# ----------------------------------------------------------------------------- flaws


@dataclass
class EventFlaws:
    recv_us: np.ndarray
    flaw: np.ndarray  # int8 code, 0 = clean
    written_name: np.ndarray
    occ_written: np.ndarray  # the instant occurred_at shows (skewed for future_clock)
    suffix: np.ndarray
    nas: np.ndarray  # property written as a string, -1 none
    frac: np.ndarray  # share of properties text kept for malformed_json
    copy_rows: np.ndarray  # redelivered copies: row index
    copy_recv_us: np.ndarray


def flaw_counts(rng: np.random.Generator, n: int, rate: float, weights: np.ndarray) -> np.ndarray:
    """How many rows get each flaw: ~rate * n in total, at least one of each when rate > 0."""
    if rate <= 0 or n == 0:
        return np.zeros(weights.size, dtype=np.int64)
    total = rng.binomial(n, min(rate, 1.0))
    return np.maximum(rng.multinomial(total, weights / weights.sum()), 1)


def choose_rows(rng: np.random.Generator, eligible: np.ndarray, k: int) -> np.ndarray:
    candidates = np.flatnonzero(eligible)
    k = min(int(k), candidates.size)
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    return np.sort(rng.choice(candidates, k, replace=False))


def redelivery_copies(rng: np.random.Generator, rows: np.ndarray, recv_us: np.ndarray,
                      end_us: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """1-2 extra copies per row, each seconds to hours after the original (never after the
    end). Returns (copy row index, copy received_at, copies per row)."""
    extra = 1 + (rng.random(rows.size) < 0.15)
    copy_rows = np.repeat(rows, extra)
    room = np.maximum(end_us - recv_us[copy_rows], MICROS)
    delay = np.exp(rng.uniform(np.log(MICROS), np.log(6 * HOUR * MICROS), copy_rows.size))
    delay = np.minimum(delay.astype(np.int64), room)
    return copy_rows, recv_us[copy_rows] + delay, extra


def plan_event_flaws(rng: np.random.Generator, cfg: Config, ev: Events) -> EventFlaws:
    """Received times for every event (a second or so after it happened, minutes for batched
    mobile events) and the flaws at cfg.flaw_rate, at most one per row."""
    n = ev["occ"].size
    occ, name = ev["occ"], ev["name"]
    end_us = cfg.end_ts * MICROS
    delay = rng.lognormal(np.log(0.8 * MICROS), 1.0, n).astype(np.int64)
    batched = rng.random(n) < 0.04
    delay[batched] += rng.integers(30 * MICROS, 20 * MINUTE * MICROS, int(batched.sum()))
    recv_us = np.minimum(occ * MICROS + delay, end_us)
    flaw = np.zeros(n, dtype=np.int8)
    written_name = name.astype(np.int32)
    occ_written = occ.copy()
    suffix = ev["server"].astype(np.int16)
    nas = np.full(n, -1, dtype=np.int16)
    frac = np.ones(n, dtype=np.float32)
    empty = np.zeros(0, dtype=np.int64)
    copy_rows, copy_recv = empty, empty

    has_revenue = np.isin(name, REVENUE_EVENTS) & ((ev["order"] >= 0) | (ev["refund"] != NULL_INT))
    eligible = {
        F_REDELIVERED: recv_us <= end_us - 2 * MICROS,
        F_LATE: occ <= cfg.end_ts - DAY - MINUTE,
        F_NUMBER_AS_STRING: np.isin(name, (*PRICED_EVENTS, PRODUCT_REVIEWED)) | has_revenue,
        F_NEGATIVE_REVENUE: name == ORDER_COMPLETED,
        F_MALFORMED_JSON: ~np.isin(name, NO_PROPERTY_EVENTS),  # truncate a real payload
    }
    counts = flaw_counts(rng, n, cfg.flaw_rate, FLAW_WEIGHTS)
    for code in FLAW_ORDER if cfg.flaw_rate > 0 else ():
        k = counts[code - 1]
        if code == F_NEGATIVE_REVENUE:
            k = min(k, max(1, int(eligible[code].sum()) // 10))
        rows = choose_rows(rng, eligible.get(code, np.ones(n, dtype=bool)) & (flaw == 0), k)
        flaw[rows] = code
        m = rows.size
        if code == F_REDELIVERED:
            copy_rows, copy_recv, _ = redelivery_copies(rng, rows, recv_us, end_us)
        elif code == F_LATE:
            room = np.minimum(10 * DAY, cfg.end_ts - occ[rows])
            late = DAY + (rng.random(m) * (room - DAY)).astype(np.int64)
            recv_us[rows] = np.minimum((occ[rows] + late) * MICROS + delay[rows], end_us)
        elif code == F_TIMEZONE:
            suffix[rows] = rng.choice(OFFSET_SUFFIX_CODES, m)
        elif code == F_FUTURE:
            skew = np.exp(rng.uniform(np.log(3 * HOUR), np.log(30 * DAY), m)).astype(np.int64)
            occ_written[rows] = recv_us[rows] // MICROS + skew
        elif code == F_NAME_VARIANT:
            written_name[rows] = VARIANT_BASE + name[rows] * N_NAME_VARIANTS + rng.integers(
                0, N_NAME_VARIANTS, m)
        elif code == F_UNKNOWN_EVENT:
            written_name[rows] = UNKNOWN_BASE + rng.integers(0, len(UNKNOWN_EVENT_NAMES), m)
        elif code == F_NUMBER_AS_STRING:
            nas[rows] = np.select(
                [np.isin(name[rows], REVENUE_EVENTS), name[rows] == PRODUCT_REVIEWED,
                 (ev["quantity"][rows] >= 0) & (rng.random(m) < 0.3)],
                [1, 3, 2],
                0,
            )
        elif code == F_MISSING_IDENTITY:
            ev["anon"][rows] = -1
            ev["user"][rows] = -1
        elif code == F_MALFORMED_JSON:
            frac[rows] = rng.uniform(0.35, 0.9, m)
    return EventFlaws(recv_us, flaw, written_name, occ_written, suffix, nas, frac,
                      copy_rows, copy_recv.astype(np.int64))


def email_variant(rng: np.random.Generator, email: str) -> str:
    style = int(rng.integers(0, 4))
    return (email.upper(), f" {email}", f"{email}  ", f"  {email.title()} ")[style]


# ----------------------------------------------------------------------------- writing


def dict_array(codes: np.ndarray, values: pa.Array) -> pa.DictionaryArray:
    codes32 = np.asarray(codes, dtype=np.int32)
    return pa.DictionaryArray.from_arrays(pa.array(codes32, mask=codes32 < 0), values)


def nullable(values: np.ndarray, null: int | float = NULL_INT,
             type_: pa.DataType | None = None) -> pa.Array:
    values = np.asarray(values)
    return pa.array(values, type=type_, mask=values == null)


def strings(values: Sequence[str] | np.ndarray) -> pa.Array:
    return pa.array(list(values) if not isinstance(values, np.ndarray) else values,
                    type=pa.string())


def dense_codes(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Each value's number among the distinct values (by hashing), and how many there are."""
    encoded = pc.dictionary_encode(pa.array(values))
    return encoded.indices.to_numpy().astype(np.int64), len(encoded.dictionary)


def distinct_rows(columns: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """For integer columns of one length: one row of each distinct combination of their
    values, and each row's combination (an index into the former)."""
    n = columns[0].size
    key = np.zeros(n, dtype=np.int64)
    span = 1  # key < span
    for column in columns:
        values = np.asarray(column, dtype=np.int64)
        low, high = int(values.min()), int(values.max())
        if high - low >= n:  # sparse (amounts): number the values densely
            values, card = dense_codes(values)
        else:
            values, card = values - low, high - low + 1
        if span * card >= 2**62:
            key, span = dense_codes(key)
        key = key * card + values
        span *= card
    combination, count = dense_codes(key)
    sample = np.empty(count, dtype=np.int64)
    sample[combination] = np.arange(n)
    return sample, combination


def uuid_sql(text_expr: str) -> str:
    """The md5 of a text (never null) as 8-4-4-4-12 hex digits."""
    h = f"md5({text_expr})"
    return (
        f"concat(substr({h}, 1, 8), '-', substr({h}, 9, 4), '-', substr({h}, 13, 4), '-', "
        f"substr({h}, 17, 4), '-', substr({h}, 21, 12))"
    )


def json_object_sql(pairs: Sequence[tuple[str, str, str]]) -> str:
    """SQL building a JSON object from (key, column, value expression) triples; a key whose
    column is null is left out. Values are JSON text already."""
    items = [f"case when {col} is not null then '\"{key}\":' || {value} end"
             for key, col, value in pairs]
    return "'{' || concat_ws(',', " + ", ".join(items) + ") || '}'"


def quoted(col: str) -> str:
    return f"'\"' || {col} || '\"'"


def number(col: str, key: str, scaled: bool) -> str:
    """A JSON number, or a JSON string when this row's number_as_string flaw names `key`."""
    plain = f"cast({col} / 100 as varchar)" if scaled else f"cast({col} as varchar)"
    text = f"printf('%.2f', {col} / 100)" if scaled else f"cast({col} as varchar)"
    return f"case when nas = '{key}' then '\"' || {text} || '\"' else {plain} end"


PROPERTIES_SQL = json_object_sql([
    ("product_id", "product_id", quoted("product_id")),
    ("category", "category", quoted("category")),
    ("brand", "brand", quoted("brand")),
    ("price", "price_cents", number("price_cents", "price", scaled=True)),
    ("quantity", "quantity", number("quantity", "quantity", scaled=False)),
    ("order_id", "order_key", "'\"ord_' || substr(md5('{seed}:o:' || order_key), 1, 16) || '\"'"),
    ("revenue", "rev_cents", number("rev_cents", "revenue", scaled=True)),
    ("currency", "currency", quoted("currency")),
    ("coupon", "coupon", quoted("coupon")),
    ("promotion_id", "promotion_id", quoted("promotion_id")),
    ("page_path", "page_path", quoted("page_path")),
    ("query", "query", quoted("query")),
    ("share_via", "share_via", quoted("share_via")),
    ("rating", "rating", number("rating", "rating", scaled=False)),
    ("feature", "feature", quoted("feature")),
    ("plan", "plan", quoted("plan")),
    ("products", "products", "products"),
])
CONTEXT_SQL = json_object_sql([
    (key, key, quoted(key))
    for key in ("device_type", "os", "locale", "country", "utm_source", "utm_medium",
                "utm_campaign")
])


def product_line_sql(sign: str) -> str:
    """An order line as JSON, its price negated when sign is '-'."""
    return (
        "'{\"product_id\":\"' || product_id || '\",\"category\":\"' || category"
        f" || '\",\"price\":' || cast({sign}price_cents / 100 as varchar) || ',\"quantity\":' || "
        "cast(quantity as varchar) || '}'"
    )


# Every order line of a chunk as JSON, lines in (order, line) order (`k` numbers them). Writer
# joins each order's lines with numpy and Arrow: an ordered string_agg per order cost more
# than the rest of the properties' SQL, and ran again for the ledger.
ORDER_LINES_SQL = f"""
select {product_line_sql('')} as line_pos, {product_line_sql('-')} as line_neg
from chunk_items
order by k
"""


# The events' SQL. PROPERTIES_SQL and CONTEXT_SQL are evaluated once per distinct combination
# of their inputs (a chunk has ~4% distinct properties and ~0.1% distinct contexts), on one
# representative row each (`u` numbers them); every row then takes its text from a dictionary.
# chunk_orders holds each order's revenue_cents and its lines as JSON arrays, products_pos and
# products_neg (Writer.order_products).
EVENTS_JOINED_SQL = f"""
with joined as (
    select
        e.*,
        case
            when e.ncode in ({CHECKOUT_STARTED}, {ORDER_COMPLETED})
                then i.revenue_cents * (case when e.flaw = {F_NEGATIVE_REVENUE} then -1 else 1 end)
            when e.ncode = {ORDER_REFUNDED} then e.refund
        end as rev_cents,
        case when e.ncode = {ORDER_COMPLETED} then
            case when e.flaw = {F_NEGATIVE_REVENUE} then i.products_neg else i.products_pos end
        end as products
    from {{source}} as e
    left join chunk_orders as i on e.order_key = i.order_key
)
"""

EVENTS_PROPERTIES_SQL = f"""
{EVENTS_JOINED_SQL.replace("{source}", "chunk_props")}
select {PROPERTIES_SQL} as props_full
from joined
order by u
"""

EVENTS_CONTEXT_SQL = f"""
select {CONTEXT_SQL} as context_json
from chunk_context
order by u
"""

# chunk_rows holds every row written, redelivered copies included, already in the order
# (received_at, seq, copy_no): no sort here, and DuckDB keeps the insertion order.
EVENTS_INSERT_SQL = f"""
insert into {RAW_SCHEMA}.events ({", ".join(column_names("events"))})
select
    {uuid_sql("'{seed}:e:' || seq")} as event_id,
    written_name as event_name,
    anonymous_id,
    user_id,
    account_id,
    strftime(make_timestamp(occ_local * 1000000), '%Y-%m-%dT%H:%M:%S') || suffix as occurred_at,
    make_timestamp(recv_us) as received_at,
    case
        when flaw = {F_MALFORMED_JSON}
            then left(props_full, greatest(1, cast(floor(length(props_full) * frac) as integer)))
        else props_full
    end as properties,
    context_json as context
from chunk_rows
"""

# the ledger of the flawed events (chunk_flawed: the flawed rows, by seq)
EVENTS_LEDGER_SQL = f"""
insert into {FLAW_LEDGER_SCHEMA}.{FLAW_LEDGER_TABLE}
{EVENTS_JOINED_SQL.replace("{source}", "chunk_flawed")}
select
    'events',
    {uuid_sql("'{seed}:e:' || seq")} as event_id,
    flaw_type,
    case flaw
        when {F_REDELIVERED} then cast(copies + 1 as varchar)
        when {F_LATE} then strftime(make_timestamp(occ * 1000000), '%Y-%m-%d %H:%M:%S')
        when {F_TIMEZONE} then strftime(make_timestamp(occ * 1000000), '%Y-%m-%d %H:%M:%S')
        when {F_FUTURE} then strftime(make_timestamp(occ_written * 1000000), '%Y-%m-%d %H:%M:%S')
        when {F_NAME_VARIANT} then canonical_name
        when {F_NUMBER_AS_STRING} then nas
        when {F_UNKNOWN_EVENT} then written_name
        when {F_NEGATIVE_REVENUE} then cast(rev_cents / 100 as varchar)
    end as detail
from joined
where flaw_type is not null
order by seq
"""

LEDGER_INSERT_SQL = f"""
insert into {FLAW_LEDGER_SCHEMA}.{FLAW_LEDGER_TABLE}
select '{{table}}', {{id_column}}, flaw_type, detail
from {{source}}
where flaw_type is not null
order by seq
"""

# chunk_email is already in the order (received_at, seq, copy_no)
EMAIL_INSERT_SQL = f"""
insert into {RAW_SCHEMA}.email_events ({", ".join(column_names("email_events"))})
select
    {uuid_sql("'{seed}:m:' || seq")} as email_event_id,
    user_id,
    email,
    campaign_id,
    event_type,
    strftime(make_timestamp(occ * 1000000), '%Y-%m-%dT%H:%M:%SZ') as occurred_at,
    make_timestamp(recv_us) as received_at
from chunk_email
"""

IDENTIFY_TRAITS_SQL = json_object_sql(
    [(key, key, quoted(key)) for key in TRAIT_KEYS]
    + [("marketing_opt_in", "opt_in",
        "case when opt_in = 1 then 'true' else 'false' end")]
)

IDENTIFIES_INSERT_SQL = f"""
insert into {RAW_SCHEMA}.identifies
select
    anonymous_id,
    user_id,
    strftime(make_timestamp(occ * 1000000), '%Y-%m-%dT%H:%M:%SZ') as occurred_at,
    make_timestamp(recv_us) as received_at,
    {IDENTIFY_TRAITS_SQL} as traits
from chunk_identifies
order by recv_us, row_no
"""

ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "TIMESTAMP": pa.timestamp("us"),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "DATE": pa.date32(),
}


Statement = tuple[str, dict[str, pa.Table]]  # SQL and the Arrow tables it reads, by name


@dataclass
class PreparedChunk:
    events_statements: list[Statement]  # the insert into raw.events
    other_statements: list[Statement]  # every other table's inserts
    events: int  # event rows, redelivered copies included
    emails: int  # email event rows, copies included


class Writer:
    """Writes generated chunks into DuckDB, turning code arrays into the raw tables' text."""

    def __init__(self, con: duckdb.DuckDBPyConnection, cfg: Config, cat: Catalog) -> None:
        self.con = con
        self.scratch = duckdb.connect(config={"threads": 1})
        self.cfg = cfg
        self.cat = cat
        self.product_ids = strings(cat.product_ids)
        self.vocab = {
            "names": strings(EVENT_NAMES),
            "written": strings(WRITTEN_NAMES),
            "categories": strings(CATEGORIES),
            "brands": strings(BRAND_NAMES),
            "currencies": strings(CURRENCIES),
            "coupons": strings(COUPONS),
            "promotions": strings(PROMOTIONS),
            "pages": strings(PAGE_PATHS),
            "queries": strings(QUERY_TEXTS),
            "share": strings(SHARE_VIA),
            "features": strings(FEATURES),
            "plans": strings(PLANS),
            "devices": strings(DEVICE_TYPES),
            "os": strings(OPERATING_SYSTEMS),
            "locales": strings([loc[4] for loc in LOCATIONS]),
            "countries": strings([loc[0] for loc in LOCATIONS]),
            "utm_source": strings([u[0] for u in UTMS]),
            "utm_medium": strings([u[1] for u in UTMS]),
            "utm_campaign": strings([u[2] for u in UTMS]),
            "suffixes": strings(SUFFIXES),
            "flaws": strings(FLAW_TYPES),
            "nas": strings(NUMERIC_PROPERTIES),
            "email_types": strings(EMAIL_EVENT_TYPES),
            "email_flaws": strings(EMAIL_FLAW_TYPES),
        }
        self.events_sql = EVENTS_INSERT_SQL.replace("{seed}", str(cfg.seed))
        self.ledger_sql = EVENTS_LEDGER_SQL.replace("{seed}", str(cfg.seed))
        self.properties_sql = EVENTS_PROPERTIES_SQL.replace("{seed}", str(cfg.seed))
        self.email_sql = EMAIL_INSERT_SQL.replace("{seed}", str(cfg.seed))

    def prepare(self, out: ChunkOutput, flaw_rng: np.random.Generator) -> PreparedChunk:
        """Everything but the inserts: the flaws, the Arrow tables and the statements."""
        chunk = PreparedChunk([], [], 0, 0)
        chunk.events = self.prepare_events(out, flaw_rng, chunk)
        chunk.emails = self.prepare_emails(out, flaw_rng, chunk.other_statements)
        self.prepare_identifies(out.identifies, chunk.other_statements)
        for table, columns in out.tables.items():
            self.prepare_table(table, columns, chunk.other_statements)
        return chunk

    @staticmethod
    def execute(statements: list[Statement], con: duckdb.DuckDBPyConnection) -> None:
        """Run statements in order on a connection."""
        for sql, views in statements:
            for name, view in views.items():
                con.register(name, view)
            con.execute(sql)
            for name in views:
                con.unregister(name)

    def prepare_events(self, out: ChunkOutput, rng: np.random.Generator,
                       chunk: PreparedChunk) -> int:
        ev = out.events
        n = ev["occ"].size
        if n == 0:
            return 0
        fl = plan_event_flaws(rng, self.cfg, ev)
        name, product = ev["name"], ev["product"]
        has_product = product >= 0
        priced = np.isin(name, PRICED_EVENTS) & has_product
        safe_product = np.where(has_product, product, 0)
        category = np.where(has_product, self.cat.category[safe_product], ev["category"])
        price = np.where(priced, self.cat.price_cents[safe_product], NULL_INT)
        currency = np.where(priced | np.isin(name, REVENUE_EVENTS) & (ev["order"] >= 0)
                            | (ev["refund"] != NULL_INT), 0, -1)
        brand = np.where(priced, self.cat.brand[safe_product], -1)
        product_code = np.where(has_product, product, -1)
        v = self.vocab
        seq = out.key_base + np.arange(n, dtype=np.int64)
        copies = np.bincount(fl.copy_rows, minlength=n)
        utm = ev["utm"]

        def event_table(index: np.ndarray) -> pa.Table:
            """The inputs of the properties, context and ledger SQL for rows `index`."""
            flaw = fl.flaw[index]
            return pa.table({
                "seq": seq[index],
                "ncode": name[index].astype(np.int16),
                "canonical_name": dict_array(name[index], v["names"]),
                "written_name": dict_array(fl.written_name[index], v["written"]),
                "occ": ev["occ"][index],
                "occ_written": fl.occ_written[index],
                "product_id": dict_array(product_code[index], self.product_ids),
                "category": dict_array(category[index], v["categories"]),
                "brand": dict_array(brand[index], v["brands"]),
                "price_cents": nullable(price[index]),
                "quantity": nullable(ev["quantity"][index], -1),
                "order_key": nullable(ev["order"][index], -1),
                "refund": nullable(ev["refund"][index]),
                "currency": dict_array(currency[index], v["currencies"]),
                "coupon": dict_array(ev["coupon"][index], v["coupons"]),
                "promotion_id": dict_array(ev["promotion"][index], v["promotions"]),
                "page_path": dict_array(ev["page"][index], v["pages"]),
                "query": dict_array(ev["query"][index], v["queries"]),
                "share_via": dict_array(ev["share"][index], v["share"]),
                "rating": nullable(ev["rating"][index], -1),
                "feature": dict_array(ev["feature"][index], v["features"]),
                "plan": dict_array(ev["plan"][index], v["plans"]),
                "device_type": dict_array(ev["device"][index], v["devices"]),
                "os": dict_array(ev["os"][index], v["os"]),
                "locale": dict_array(ev["location"][index], v["locales"]),
                "country": dict_array(ev["location"][index], v["countries"]),
                "utm_source": dict_array(utm[index], v["utm_source"]),
                "utm_medium": dict_array(utm[index], v["utm_medium"]),
                "utm_campaign": dict_array(utm[index], v["utm_campaign"]),
                "flaw": flaw,
                "flaw_type": dict_array(flaw.astype(np.int32) - 1, v["flaws"]),
                "nas": dict_array(fl.nas[index], v["nas"]),
                "copies": copies[index],
            })

        orders_table = self.order_products(out.items)
        # properties and context: made once per distinct combination of their inputs
        props_sample, props_of_row = distinct_rows([
            name, product_code, category, brand, price, ev["quantity"], ev["order"],
            ev["refund"], currency, ev["coupon"], ev["promotion"], ev["page"], ev["query"],
            ev["share"], ev["rating"], ev["feature"], ev["plan"], fl.nas,
            fl.flaw == F_NEGATIVE_REVENUE,
        ])
        props = self.per_combination(self.properties_sql, "chunk_props",
                                     event_table(props_sample), orders_table)
        context_sample, context_of_row = distinct_rows(
            [ev["device"], ev["os"], ev["location"], utm])
        context = self.per_combination(EVENTS_CONTEXT_SQL, "chunk_context",
                                       event_table(context_sample))
        # every row written (redelivered copies repeat their row) in the order
        # (received_at, seq, copy_no)
        rows = np.concatenate([np.arange(n), fl.copy_rows])
        recv_us = np.concatenate([fl.recv_us, fl.copy_recv_us])
        copy_no = np.concatenate([np.zeros(n, np.int64), np.arange(fl.copy_rows.size) + 1])
        order = np.lexsort((copy_no, rows, recv_us))
        rows, recv_us = rows[order], recv_us[order]
        occ_local = fl.occ_written[rows] + SUFFIX_MINUTES[fl.suffix[rows]] * MINUTE
        rows_table = pa.table({
            "seq": seq[rows],
            "written_name": dict_array(fl.written_name[rows], v["written"]),
            "anonymous_id": dict_array(ev["anon"][rows], strings(out.anon_dict)),
            "user_id": dict_array(ev["user"][rows], strings(out.user_dict)),
            "account_id": dict_array(ev["account"][rows], strings(out.account_dict)),
            "occ_local": occ_local,
            "suffix": dict_array(fl.suffix[rows], v["suffixes"]),
            "recv_us": recv_us,
            "flaw": fl.flaw[rows],
            "frac": fl.frac[rows],
            "props_full": dict_array(props_of_row[rows], props),
            "context_json": dict_array(context_of_row[rows], context),
        })
        chunk.events_statements.append((self.events_sql, {"chunk_rows": rows_table}))
        chunk.other_statements.append((self.ledger_sql, {
            "chunk_flawed": event_table(np.flatnonzero(fl.flaw)),
            "chunk_orders": orders_table,
        }))
        return rows.size

    def per_combination(self, sql: str, view: str, sample: pa.Table,
                        orders: pa.Table | None = None) -> pa.Array:
        """The text `sql` makes of `view`, the rows `sample` numbered `u`; `chunk_orders` is
        `orders`. Runs in an in-memory database of its own, while the file is written."""
        sample = sample.append_column("u", pa.array(np.arange(sample.num_rows)))
        views = {view: sample} if orders is None else {view: sample, "chunk_orders": orders}
        return self.scratch_query(sql, views).column(0).combine_chunks()

    def scratch_query(self, sql: str, views: dict[str, pa.Table]) -> pa.Table:
        """What `sql` returns reading the tables `views` (by name), in the in-memory database."""
        for name, data in views.items():
            self.scratch.register(name, data)
        result = self.scratch.execute(sql).fetch_arrow_table()
        for name in views:
            self.scratch.unregister(name)
        return result

    def order_products(self, items: dict[str, np.ndarray]) -> pa.Table:
        """chunk_orders: per order with lines, its revenue in cents and its lines as JSON
        arrays (prices as they are and negated), lines in order, as the ordered string_agg of
        each order's lines made them."""
        key = items["order"].astype(np.int64)
        by_line = np.lexsort((items["line"], key))
        key, product = key[by_line], items["product"][by_line]
        quantity = items["quantity"][by_line].astype(np.int64)
        price = self.cat.price_cents[product]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if key.size else by_line
        lines = self.scratch_query(ORDER_LINES_SQL, {"chunk_items": pa.table({
            "product_id": dict_array(product, self.product_ids),
            "category": dict_array(self.cat.category[product], self.vocab["categories"]),
            "price_cents": price,
            "quantity": quantity,
            "k": np.arange(key.size),
        })})
        offsets = pa.array(np.r_[starts, key.size], type=pa.int32())

        def json_array(column: str) -> pa.Array:
            line_json = lines.column(column).combine_chunks()
            joined = pc.binary_join(pa.ListArray.from_arrays(offsets, line_json), ",")
            return pc.binary_join_element_wise("[", joined, "]", "")

        return pa.table({
            "order_key": key[starts],
            "revenue_cents": np.add.reduceat(price * quantity, starts) if key.size else price,
            "products_pos": json_array("line_pos"),
            "products_neg": json_array("line_neg"),
        })

    def prepare_emails(self, out: ChunkOutput, rng: np.random.Generator,
                       statements: list[Statement]) -> int:
        em = out.emails
        n = em.occ.size
        if n == 0:
            return 0
        recv = np.minimum(em.occ * MICROS + rng.integers(60, 2 * HOUR, n) * MICROS,
                          self.cfg.end_ts * MICROS)
        counts = flaw_counts(rng, n, self.cfg.flaw_rate, np.array([1.0, 1.0]))
        flaw = np.full(n, -1, dtype=np.int32)
        redelivered = choose_rows(rng, recv <= (self.cfg.end_ts - 2) * MICROS, counts[0])
        flaw[redelivered] = 0
        copy_rows, copy_recv, extra = redelivery_copies(rng, redelivered, recv,
                                                        self.cfg.end_ts * MICROS)
        cased = choose_rows(rng, flaw < 0, counts[1])
        flaw[cased] = 1
        detail = np.full(n, None, dtype=object)
        detail[redelivered] = (1 + extra).astype(str)
        detail[cased] = em.emails[em.recipient[cased]]
        # a cased row's email is its variant, numbered after the recipients' clean emails
        variants = [email_variant(rng, e) for e in detail[cased]]
        email_code = em.recipient.copy()
        email_code[cased] = em.emails.size + np.arange(cased.size)
        email_text = strings(np.concatenate([em.emails, np.array(variants, dtype=object)]))
        has_user = np.array([user is not None for user in em.users], dtype=bool)
        user_code = np.where(em.user_known & has_user[em.recipient], em.recipient, -1)
        seq = out.key_base + np.arange(n, dtype=np.int64)
        # every row written, in the order (received_at, seq, copy_no)
        rows = np.concatenate([np.arange(n), copy_rows])
        recv_all = np.concatenate([recv, copy_recv])
        copy_no = np.concatenate([np.zeros(n, np.int64), np.arange(copy_rows.size) + 1])
        order = np.lexsort((copy_no, rows, recv_all))
        rows, recv_all = rows[order], recv_all[order]
        campaigns = strings(out.campaign_ids)
        table = pa.table({
            "seq": seq[rows],
            "user_id": dict_array(user_code[rows], strings(em.users)),
            "email": dict_array(email_code[rows], email_text),
            "campaign_id": dict_array(em.campaign[rows], campaigns),
            "event_type": dict_array(em.event_type[rows], self.vocab["email_types"]),
            "occ": em.occ[rows],
            "recv_us": recv_all,
        })
        flawed = np.flatnonzero(flaw >= 0)
        ledger = pa.table({
            "seq": seq[flawed],
            "flaw_type": dict_array(flaw[flawed], self.vocab["email_flaws"]),
            "detail": strings(detail[flawed]),
        })
        statements.append((self.email_sql, {"chunk_email": table}))
        ids = uuid_sql(f"'{self.cfg.seed}:m:' || seq")
        statements.append((LEDGER_INSERT_SQL.format(
            table="email_events", id_column=ids, source="chunk_email_flaws"),
            {"chunk_email_flaws": ledger}))
        return rows.size

    def prepare_identifies(self, ids: Identifies, statements: list[Statement]) -> None:
        n = ids.occ.size
        if n == 0:
            return
        recv = np.minimum(ids.occ * MICROS + (np.arange(n) % 997 + 200) * 1000,
                          self.cfg.end_ts * MICROS)
        columns: dict[str, pa.Array] = {
            "anonymous_id": strings(ids.anon),
            "user_id": strings(ids.user),
            "occ": ids.occ,
            "recv_us": recv,
            "row_no": np.arange(n),
            "opt_in": nullable(ids.opt_in, -1),
        }
        columns.update({key: strings(values) for key, values in ids.traits.items()})
        statements.append((IDENTIFIES_INSERT_SQL, {"chunk_identifies": pa.table(columns)}))

    def prepare_table(self, table: str, columns: dict[str, np.ndarray],
                      statements: list[Statement]) -> None:
        arrays = {}
        for name, sql_type in RAW_TABLES[table]:
            values = columns[name]
            if sql_type == "VARCHAR":
                arrays[name] = strings(values)
            elif sql_type == "TIMESTAMP":
                values = np.asarray(values, dtype=np.int64)
                arrays[name] = pa.array(values * MICROS, type=pa.timestamp("us"),
                                        mask=values == NO_TS)
            elif sql_type == "DATE":
                arrays[name] = pa.array(values, type=pa.date32())
            elif sql_type == "DOUBLE":
                arrays[name] = pa.array(np.asarray(values, dtype=np.float64))
            else:
                values = np.asarray(values, dtype=np.int64)
                arrays[name] = pa.array(values, type=ARROW_TYPES[sql_type],
                                        mask=values == NULL_INT)
        statements.append((f"insert into {RAW_SCHEMA}.{table} by name select * from chunk_table",
                           {"chunk_table": pa.table(arrays)}))


# ----------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=10_000,
                        help="B2C persons; B2B accounts are max(60, persons // 50)")
    parser.add_argument("--seed", type=int, default=42, help="same seed, same data")
    parser.add_argument("--end-date", type=date.fromisoformat,
                        default=datetime.now(UTC).date(),
                        help="last day with data, YYYY-MM-DD (default: today, UTC)")
    parser.add_argument("--days", type=int, default=365, help="days of history")
    parser.add_argument("--flaw-rate", type=float, default=0.02,
                        help="share of events (and email events) that get one flaw")
    parser.add_argument("--chunk-size", type=int, default=10_000,
                        help="persons generated and written per chunk (bounds memory)")
    parser.add_argument("--publish-weeks", type=int, default=3,
                        help="simulate a win-back campaign for dormant_shoppers published at "
                             "the end of each of the last N weeks (its holdout gets nothing), "
                             "so that rpt_audience_lift finds an effect; 0: no campaign")
    args = parser.parse_args(argv)
    if (args.persons < 1 or args.days < 1 or args.seed < 0 or not 0 <= args.flaw_rate < 1
            or args.publish_weeks < 0):
        parser.error("need --persons >= 1, --days >= 1, --seed >= 0, 0 <= --flaw-rate < 1, "
                     "--publish-weeks >= 0")
    return args


def database_path() -> Path:
    # like dbt, the loader and the report: a relative AUDIENCES_DUCKDB_PATH is taken from the
    # current directory; without it, the default file in the repository
    value = os.environ.get("AUDIENCES_DUCKDB_PATH")
    path = Path(value).expanduser().resolve() if value else REPO_ROOT / DEFAULT_DB_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


# The compression of the big tables' text columns, named up front. Left to choose, DuckDB tries
# every method on every segment: a dictionary for the unique ids and timestamps, FSST for the
# repeated ids and names, in vain (storing the events took 1.8 us a row against 1.4 named, in
# a test). These are the methods it picks anyway, so the file is the same size, except for
# `properties`, where it picked FSST for some segments and a dictionary for others: the
# dictionary costs a third less and a few % more of that column. The choice is kept in the
# catalog only: the tables' SQL and columns stay the contract's.
COLUMN_COMPRESSION: dict[str, dict[str, str]] = {
    "events": {
        "event_id": "fsst",
        "event_name": "dictionary",
        "anonymous_id": "dictionary",
        "user_id": "dictionary",
        "account_id": "dictionary",
        "occurred_at": "fsst",
        "properties": "dictionary",
        "context": "dictionary",
    },
    "email_events": {
        "email_event_id": "fsst",
        "user_id": "dictionary",
        "email": "dictionary",
        "campaign_id": "dictionary",
        "event_type": "dictionary",
        "occurred_at": "fsst",
    },
}


def raw_table_sql(table: str) -> str:
    """The contract's `create or replace table` for a raw table, with the compression of
    COLUMN_COMPRESSION named for its columns."""
    forced = COLUMN_COMPRESSION.get(table, {})
    columns = ", ".join(
        f"{name} {sql_type}" + (f" using compression {forced[name]}" if name in forced else "")
        for name, sql_type in RAW_TABLES[table]
    )
    return f"create or replace table {RAW_SCHEMA}.{table} ({columns})"


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(f"create schema if not exists {FLAW_LEDGER_SCHEMA}")
    for table in RAW_TABLES:
        con.execute(raw_table_sql(table))
    ledger_columns = ", ".join(f"{name} {sql_type}" for name, sql_type in FLAW_LEDGER_COLUMNS)
    con.execute(
        f"create or replace table {FLAW_LEDGER_SCHEMA}.{FLAW_LEDGER_TABLE} ({ledger_columns})"
    )


def plan_chunks(cfg: Config) -> list[tuple[str, int, int, int]]:
    """(kind, chunk number, first index, size) for every chunk, B2C first."""
    chunks = [
        ("b2c", i, first, min(cfg.chunk_size, cfg.persons - first))
        for i, first in enumerate(range(0, cfg.persons, cfg.chunk_size))
    ]
    chunks += [
        ("b2b", i, first, min(cfg.accounts_per_chunk, cfg.accounts - first))
        for i, first in enumerate(range(0, cfg.accounts, cfg.accounts_per_chunk))
    ]
    return chunks


# Persons written per transaction: large enough that DuckDB writes whole row groups to the file,
# compressed once, small enough to bound memory (one transaction for 2,000,000 persons, 105M
# events, held 16 GB; 200,000 persons, 10M events, about 2.4 GB).
PERSONS_PER_TRANSACTION = 200_000


class TransactionWriter:
    """Runs chunks' statements on one connection in a thread of its own, a chunk at a time in
    the order they are given, in transactions of `chunks_per_transaction` chunks.

    Large transactions let DuckDB write each table's row groups to the file as they fill,
    compressed once; a commit per chunk logged the chunk's rows to the WAL and compressed them
    at each automatic checkpoint (in a test, a fifth more CPU for the events' insert). But a
    transaction keeps what it wrote in memory until it commits, so they are bounded. Rows land
    in the order given, so the data is the same."""

    def __init__(self, con: duckdb.DuckDBPyConnection, in_flight: int,
                 chunks_per_transaction: int) -> None:
        self.con = con
        self.in_flight = in_flight  # chunks running or queued at most: bounds memory
        self.chunks_per_transaction = max(1, chunks_per_transaction)
        self.chunks_in_transaction = 0
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.writing: list[Future[None]] = []
        con.execute("begin")

    def submit(self, statements: list[Statement]) -> None:
        while len(self.writing) >= self.in_flight:
            self.writing.pop(0).result()
        self.writing.append(self.pool.submit(Writer.execute, statements, self.con))
        self.chunks_in_transaction += 1
        if self.chunks_in_transaction >= self.chunks_per_transaction:
            # queued behind the chunk's statements on the same thread, so order is kept
            self.writing.append(self.pool.submit(self.con.execute, "commit; begin"))
            self.chunks_in_transaction = 0

    def wait(self) -> None:
        """Wait for every statement given; raises the first failure."""
        while self.writing:
            self.writing.pop(0).result()

    def commit(self) -> None:
        self.wait()
        self.pool.shutdown()
        self.con.execute("commit")

    def abandon(self) -> None:
        """Stop after the running chunk and roll back (after a failure)."""
        self.pool.shutdown(cancel_futures=True)
        with contextlib.suppress(duckdb.Error):
            self.con.execute("rollback")


def generate(cfg: Config, con: duckdb.DuckDBPyConnection) -> int:
    """Generate every chunk into the open database; returns the number of event rows.

    While the next chunk is generated and prepared, two threads run the inserts of the chunks
    before it (DuckDB releases the GIL while it works): one the inserts into raw.events, the
    other every other table's. Each keeps to chunk order, so the data is the same as written
    one chunk at a time."""
    create_tables(con)
    dropped = drop_incremental_staging(con)
    if dropped:
        print(f"dropped {', '.join(dropped)}: built from the raw rows just replaced, they are "
              "staged whole by the next dbt build", file=sys.stderr)
    cat = build_catalog(cfg)
    b2c_campaigns = build_campaigns(cfg, 7, B2C_CAMPAIGN_THEMES, "", 0)
    b2b_campaigns = build_campaigns(cfg, 14, B2B_CAMPAIGN_THEMES, "b2b_", 1)
    writer = Writer(con, cfg, cat)
    chunks_per_transaction = PERSONS_PER_TRANSACTION // cfg.chunk_size
    events_writer = TransactionWriter(con.cursor(), 2, chunks_per_transaction)
    other_writer = TransactionWriter(con.cursor(), 2, chunks_per_transaction)
    events = 0
    progress = tqdm(plan_chunks(cfg), unit="chunk", desc="generating", file=sys.stderr)
    try:
        for kind, chunk_no, first, size in progress:
            if kind == "b2c":
                out = b2c_chunk(cfg, cat, b2c_campaigns, chunk_no, first, size)
                flaw_rng = rng_for(cfg, STREAM_FLAWS, chunk_no)
            else:
                out = b2b_chunk(cfg, b2b_campaigns, chunk_no, first, size)
                flaw_rng = rng_for(cfg, STREAM_FLAWS, 1_000_000 + chunk_no)
            chunk = writer.prepare(out, flaw_rng)
            events_writer.submit(chunk.events_statements)
            other_writer.submit(chunk.other_statements)
            events += chunk.events
            progress.set_postfix(events=f"{events:,}")
        # the other tables' commit first: it overlaps the last chunks' events inserts
        other_writer.commit()
        events_writer.commit()
    except BaseException:
        events_writer.abandon()
        other_writer.abandon()
        raise
    for cursor in (events_writer.con, other_writer.con):
        cursor.close()
    con.execute("checkpoint")
    return events


def print_summary(con: duckdb.DuckDBPyConnection, path: Path, events: int,
                  elapsed: float) -> None:
    print(f"wrote {path}")
    for table in RAW_TABLES:
        rows = con.execute(f"select count(*) from {RAW_SCHEMA}.{table}").fetchone()[0]
        print(f"  {RAW_SCHEMA}.{table:<22} {rows:>12,} rows")
    ledger = con.execute(
        f"select count(*) from {FLAW_LEDGER_SCHEMA}.{FLAW_LEDGER_TABLE}"
    ).fetchone()[0]
    print(f"  {FLAW_LEDGER_SCHEMA}.{FLAW_LEDGER_TABLE:<12} {ledger:>12,} rows")
    print(f"events: {events:,}  elapsed: {elapsed:.1f} s  "
          f"events/s: {events / max(elapsed, 1e-9):,.0f}")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    cfg = Config(
        persons=args.persons,
        seed=args.seed,
        end_date=args.end_date,
        days=args.days,
        flaw_rate=args.flaw_rate,
        chunk_size=args.chunk_size,
        accounts_per_chunk=1_000,
        publish_weeks=args.publish_weeks,
    )
    path = database_path()
    problem = database_file_problem(path)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    started = time.perf_counter()
    con = duckdb.connect(str(path), config={"memory_limit": "4GB", "threads": 1})
    try:
        events = generate(cfg, con)
        print_summary(con, path, events, time.perf_counter() - started)
    finally:
        con.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
