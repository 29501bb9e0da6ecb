"""The SQL that turns a chunk's code arrays into the raw tables' text: properties and context
JSON, event ids, ISO-8601 times, and the rows of the flaw ledger."""

from __future__ import annotations

from collections.abc import Sequence

from audiences.raw_contract import (
    FLAW_LEDGER_SCHEMA,
    FLAW_LEDGER_TABLE,
    RAW_SCHEMA,
    column_names,
)

from .chunk import TRAIT_KEYS
from .vocabulary import (
    CHECKOUT_STARTED,
    F_FUTURE,
    F_LATE,
    F_MALFORMED_JSON,
    F_NAME_VARIANT,
    F_NEGATIVE_REVENUE,
    F_NUMBER_AS_STRING,
    F_REDELIVERED,
    F_TIMEZONE,
    F_UNKNOWN_EVENT,
    ORDER_COMPLETED,
    ORDER_REFUNDED,
)


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
    items = [
        f"case when {col} is not null then '\"{key}\":' || {value} end" for key, col, value in pairs
    ]
    return "'{' || concat_ws(',', " + ", ".join(items) + ") || '}'"


def quoted(col: str) -> str:
    return f"'\"' || {col} || '\"'"


def number(col: str, key: str, scaled: bool) -> str:
    """A JSON number, or a JSON string when this row's number_as_string flaw names `key`."""
    plain = f"cast({col} / 100 as varchar)" if scaled else f"cast({col} as varchar)"
    text = f"printf('%.2f', {col} / 100)" if scaled else f"cast({col} as varchar)"
    return f"case when nas = '{key}' then '\"' || {text} || '\"' else {plain} end"


PROPERTIES_SQL = json_object_sql(
    [
        ("product_id", "product_id", quoted("product_id")),
        ("category", "category", quoted("category")),
        ("brand", "brand", quoted("brand")),
        ("price", "price_cents", number("price_cents", "price", scaled=True)),
        ("quantity", "quantity", number("quantity", "quantity", scaled=False)),
        (
            "order_id",
            "order_key",
            "'\"ord_' || substr(md5('{seed}:o:' || order_key), 1, 16) || '\"'",
        ),
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
    ]
)
CONTEXT_SQL = json_object_sql(
    [
        (key, key, quoted(key))
        for key in (
            "device_type",
            "os",
            "locale",
            "country",
            "utm_source",
            "utm_medium",
            "utm_campaign",
            "timezone",
        )
    ]
)


def product_line_sql(sign: str) -> str:
    """An order line as JSON, its price negated when sign is '-'."""
    return (
        '\'{"product_id":"\' || product_id || \'","category":"\' || category'
        f' || \'","price":\' || cast({sign}price_cents / 100 as varchar) || \',"quantity":\' || '
        "cast(quantity as varchar) || '}'"
    )


# Every order line of a chunk as JSON, lines in (order, line) order (`k` numbers them). Writer
# joins each order's lines with numpy and Arrow: an ordered string_agg per order cost more
# than the rest of the properties' SQL, and ran again for the ledger.
ORDER_LINES_SQL = f"""
select {product_line_sql("")} as line_pos, {product_line_sql("-")} as line_neg
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
    + [("marketing_opt_in", "opt_in", "case when opt_in = 1 then 'true' else 'false' end")]
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
