"""The generator's fixed vocabularies: time units, random streams, the win-back campaign's
settings, event names and their sloppy variants, catalogs of products, pages, places, names
and companies, daily rhythms, flaw types, the columns of an event batch, and the compression
named for the raw tables' text columns."""

from __future__ import annotations

import numpy as np

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
# The lifecycle KPI events (industry.py): each industry's own stream, and one for their flaws,
# so that the events above stay the same with or without them.
KPI_INDUSTRIES = ("e-commerce", "media", "travel", "finance")
STREAM_INDUSTRY = {industry: 7 + i for i, industry in enumerate(KPI_INDUSTRIES)}
STREAM_INDUSTRY_FLAWS = 11

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
    "Rewards Joined",
)
# The KPI events of the other industries (--industry): written only for the industry asked.
INDUSTRY_EVENT_NAMES = (
    "Article Read",
    "Partner Benefit Used",
    "Subscription Restarted",
    "Trip Content Viewed",
    "Booking Completed",
    "Points Redeemed",
    "Review Written",
    "Profile Viewed",
    "In-App Message Clicked",
    "Offer Redeemed",
    "Bank Account Linked",
)
ALL_EVENT_NAMES = EVENT_NAMES + INDUSTRY_EVENT_NAMES
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
    REWARDS_JOINED,
    ARTICLE_READ,
    PARTNER_BENEFIT_USED,
    SUBSCRIPTION_RESTARTED,
    TRIP_CONTENT_VIEWED,
    BOOKING_COMPLETED,
    POINTS_REDEEMED,
    REVIEW_WRITTEN,
    PROFILE_VIEWED,
    IN_APP_MESSAGE_CLICKED,
    OFFER_REDEEMED,
    BANK_ACCOUNT_LINKED,
) = range(len(ALL_EVENT_NAMES))

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
    list(ALL_EVENT_NAMES)
    + [variant for name in ALL_EVENT_NAMES for variant in name_variants(name)]
    + list(UNKNOWN_EVENT_NAMES)
)
VARIANT_BASE = len(ALL_EVENT_NAMES)
UNKNOWN_BASE = VARIANT_BASE + N_NAME_VARIANTS * len(ALL_EVENT_NAMES)

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
# Word lists and weights are tables, kept a few to a line.
# fmt: off
LOCATION_P = np.array(
    [0.08, 0.08, 0.1, 0.06, 0.06, 0.05, 0.1, 0.03, 0.06, 0.04, 0.07, 0.05, 0.04, 0.05, 0.04,
     0.03, 0.02]
)
LOCATION_TZ = np.array([loc[6] for loc in LOCATIONS], dtype=np.int64)
# The IANA time zone of each location, which the mobile libraries (as Segment's do) write into
# an event's context as `timezone`; the web library here does not, so a share of persons is
# known by zone and the rest by country.
LOCATION_ZONES = (
    "America/Los_Angeles", "America/Los_Angeles", "America/New_York", "America/Chicago",
    "America/Chicago", "America/Los_Angeles", "Europe/London", "Europe/London", "Europe/Berlin",
    "Europe/Berlin", "Europe/Paris", "Europe/Madrid", "Europe/Amsterdam", "America/Toronto",
    "Australia/Sydney", "Asia/Kolkata", "America/Sao_Paulo",
)
ZONED_OS = np.array([0, 1, 5])  # iOS, Android, iPadOS: the operating systems of the mobile apps
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
# fmt: on
B2C_CAMPAIGN_THEMES = ("weekly_picks", "flash_sale", "new_arrivals", "back_in_stock")
B2B_CAMPAIGN_THEMES = ("product_update", "webinar_invite", "customer_story")

# Hour-of-day (local time) and day-of-week (Monday first) rhythms.
# fmt: off
B2C_HOURS = np.array(
    [1.5, 0.8, 0.5, 0.3, 0.3, 0.5, 1.0, 2.0, 3.0, 3.5, 3.8, 4.0, 4.5, 4.0, 3.8, 3.8, 4.0,
     4.5, 5.5, 7.0, 8.0, 7.5, 5.5, 3.0]
)
B2B_HOURS = np.array(
    [0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.6, 2.0, 5.0, 7.0, 7.5, 7.0, 5.0, 6.5, 7.0, 6.5, 5.5,
     3.5, 1.5, 0.8, 0.5, 0.3, 0.2, 0.1]
)
# fmt: on
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
# the KPI events carry no properties ('{}'): nothing to truncate into malformed JSON
NO_PROPERTY_EVENTS = (
    SIGNED_UP,
    SIGNED_IN,
    CART_VIEWED,
    DEMO_REQUESTED,
    AD_CLICKED,
    *range(REWARDS_JOINED, len(ALL_EVENT_NAMES)),
)

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
