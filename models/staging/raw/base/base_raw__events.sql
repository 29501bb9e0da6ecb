{{ received_days_config() }}

{#- Every raw event row, typed, with the reason it cannot be used (null when it can) and
    whether it is a redelivery of an event already received. stg_raw__events keeps the usable
    first deliveries; stg_raw__quarantined_rows and stg_raw__removed_duplicates account for
    the rest, so that no row is lost silently.

    The largest model, written as one streaming pass over raw.events: each row is read, hashed
    and parsed once, and nothing is stored or sorted whole. Every payload field staging reads
    is extracted here, so that stg_raw__events is a view that parses nothing.
    - The payloads travel through the CTEs once, as received (raw_properties, raw_context);
      their JSON text is derived where it is read (properties_text, properties below).
    - Only the rows of an event id that occurs more than once (about 1% here) go through the
      windows that number identical copies and rank redeliveries; every other row is the only
      copy of itself and the first delivery of its id (macro number_and_flag_deliveries).
    - The CTEs read by more than one later CTE are inline_cte(): DuckDB would otherwise store
      a copy of all their rows.
    - Incremental by day of receipt (macros/received_days.sql): a run reads only the raw rows
      of the days it re-stages; a usable row whose event id already has a usable delivery on an
      earlier day is a redelivery. -#}

{#- A payload's JSON text: trimmed, '{}' when missing; null when it is not a JSON object. -#}
{%- set properties_text = "coalesce(" ~ clean_text('raw_properties') ~ ", '{}')" -%}
{%- set context_text = "coalesce(" ~ clean_text('raw_context') ~ ", '{}')" -%}
{%- set properties = "case when has_valid_properties then " ~ properties_text ~ " end" -%}
{%- set context = "case when has_valid_context then " ~ context_text ~ " end" -%}
{#- Every key staging reads from a payload, listed once so that each payload is parsed once per
    row (macro json_extract_scalar). -#}
{%- set property_keys = [
    'order_id', 'revenue', 'price', 'quantity', 'rating', 'product_id', 'category', 'brand',
    'currency', 'coupon', 'promotion_id', 'page_path', 'feature', 'share_via',
] -%}
{%- set context_keys = [
    'device_type', 'os', 'locale', 'country', 'utm_source', 'utm_medium', 'utm_campaign', 'timezone',
] -%}
{#- The payload numbers whose unreadable value quarantines a row (macro is_any_unparseable). -#}
{%- set unparseable_numbers = {'optional': ['revenue', 'price', 'quantity', 'rating']} -%}
{%- set restage_from = restage_from_day() -%}

with

-- an incremental run's few days are stored once: finding them parses every raw row's time
source as {{ stored_cte() if restage_from else inline_cte() }} (
    select * from {{ source('raw', 'events') }}
    {%- if restage_from %}
        where {{ received_since(source('raw', 'events'), 'received_at', restage_from) }}
    {%- endif %}
),

event_name_aliases as (
    select * from {{ ref('event_name_aliases') }}
),

{{ repeated_key_ctes('event_id', restage_from) }}

typed as {{ inline_cte() }} (
    select
        -- the raw row, named by a hash of all its columns (raw_row_id)
        {{ raw_row_hash([
            'source.event_id',
            'source.event_name',
            'source.anonymous_id',
            'source.user_id',
            'source.account_id',
            'source.occurred_at',
            'source.received_at',
            'source.properties',
            'source.context',
        ]) }} as raw_row_hash,
        -- joined here, before any parsing, so that each reader's filter on it reaches the raw
        -- rows first; a missing event id counts as repeated (such rows are numbered too)
        {{ repeated_key_flags('event_id', restage_from) }},

        -- ids
        {{ clean_text('source.event_id') }} as event_id,
        {{ clean_text('source.anonymous_id') }} as anonymous_id,
        {{ clean_text('source.user_id') }} as user_id,
        {{ clean_text('source.account_id') }} as account_id,

        -- event name
        cast(source.event_name as {{ dbt.type_string() }}) as raw_event_name,
        {{ event_name_key('source.event_name') }} as event_name_key,

        -- timestamps
        {{ raw_and_parsed('source.occurred_at', 'timestamp') }},
        {{ raw_timestamp_utc(source('raw', 'events'), 'received_at', 'source') }} as received_at,

        -- payloads, as received: the one copy the CTEs carry
        cast(source.properties as {{ dbt.type_string() }}) as raw_properties,
        cast(source.context as {{ dbt.type_string() }}) as raw_context
    from source
    {{ repeated_key_joins('event_id', restage_from) }}
),

named as {{ inline_cte() }} (
    select
        typed.*,
        event_name_aliases.canonical_event_name as event_name
    from typed
    left join event_name_aliases
        on typed.event_name_key = event_name_aliases.event_name_key
),

validated_json as {{ inline_cte() }} (
    select
        *,
        {{ is_json_object(properties_text) }} as has_valid_properties,
        {{ is_json_object(context_text) }} as has_valid_context
    from named
),

extracted as {{ inline_cte() }} (
    select
        *,
        {{ json_extract_scalar(properties, 'order_id', property_keys) }} as raw_order_id,
        {{ json_extract_scalar(properties, 'revenue', property_keys) }} as raw_revenue,
        {{ json_extract_scalar(properties, 'price', property_keys) }} as raw_price,
        {{ json_extract_scalar(properties, 'quantity', property_keys) }} as raw_quantity,
        {{ json_extract_scalar(properties, 'rating', property_keys) }} as raw_rating,
        {%- for key in property_keys[5:] %}
            {{ json_extract_scalar(properties, key, property_keys) }} as raw_{{ key }},
        {%- endfor %}
        {%- for key in context_keys %}
            {{ json_extract_scalar(context, key, context_keys) }} as raw_{{ key }},
        {%- endfor %}
        {{ json_extract_array(properties, 'products') }} as products
    from validated_json
),

parsed_numbers as {{ inline_cte() }} (
    select
        *,
        {{ parse_number('raw_revenue') }} as revenue,
        {{ parse_number('raw_price') }} as price,
        {{ parse_integer('raw_quantity') }} as quantity,
        {{ parse_integer('raw_rating') }} as rating
    from extracted
),

-- the products of each distinct order payload, one row per line (arrays only), checked once per text
order_products as (
    select distinct products
    from parsed_numbers
    where event_name = 'Order Completed'
),

order_lines as (
    select
        order_products.products,
        cast(order_line.product_json as {{ dbt.type_string() }}) as product_json
    from order_products
    {{ join_json_array_elements(
        'case when ' ~ is_json_array('order_products.products') ~ ' then order_products.products end',
        'order_line', 'product_json', 'line_number'
    ) }}
),

order_line_values as (
    select
        products,
        product_json,
        {{ is_json_object('product_json') }} as is_object,
        {{ json_extract_scalar('product_json', 'price') }} as raw_line_price,
        {{ json_extract_scalar('product_json', 'quantity') }} as raw_line_quantity
    from order_lines
),

order_line_checks as (
    select
        products,
        product_json,
        is_object,
        {{ is_unparseable('raw_line_price', parse_number('raw_line_price')) }}
        or {{ is_unparseable('raw_line_quantity', parse_integer('raw_line_quantity')) }} as is_unparseable,
        coalesce({{ parse_number('raw_line_price') }} < 0, false)
        or coalesce({{ parse_integer('raw_line_quantity') }} <= 0, false) as is_negative
    from order_line_values
),

order_problems as (
    select
        products,
        max(case when not is_object then 1 else 0 end) as has_malformed_line,
        max(case when is_object and is_unparseable then 1 else 0 end) as has_unparseable_line,
        max(case when is_object and is_negative then 1 else 0 end) as has_negative_line,
        min(case when is_object and (is_unparseable or is_negative) then product_json end) as first_bad_line
    from order_line_checks
    group by products
),

with_order_problems as {{ inline_cte() }} (
    select
        parsed_numbers.*,
        coalesce(order_problems.has_malformed_line, 0) = 1 as has_malformed_line,
        coalesce(order_problems.has_unparseable_line, 0) = 1 as has_unparseable_line,
        coalesce(order_problems.has_negative_line, 0) = 1 as has_negative_line,
        order_problems.first_bad_line
    from parsed_numbers
    left join order_problems
        on parsed_numbers.products = order_problems.products
),

classified as {{ inline_cte() }} (
    select
        *,
        event_id as record_id,
        case
            when event_id is null then 'missing_event_id'
            when anonymous_id is null and user_id is null then 'missing_identity'
            when occurred_at is null or received_at is null then 'unparseable_timestamp'
            when
                occurred_at > {{ dbt.dateadd('minute', var('future_timestamp_tolerance_minutes'), 'received_at') }}
                then 'future_timestamp'
            when not has_valid_properties or not has_valid_context then 'malformed_json'
            when event_name is null then 'unknown_event_name'
            when
                event_name = 'Order Completed'
                and (
                    (products is not null and not {{ is_json_array('products') }})
                    or has_malformed_line
                )
                then 'malformed_json'
            when {{ is_any_unparseable(unparseable_numbers) }}
                or (event_name = 'Order Completed' and has_unparseable_line)
                then 'unparseable_number'
            when
                event_name = 'Order Completed'
                and ({{ clean_text('raw_order_id') }} is null or revenue is null)
                then 'incomplete_order'
            when revenue < 0 or price < 0 or (event_name = 'Order Completed' and has_negative_line)
                then 'negative_amount'
        end as quarantine_reason
    from with_order_problems
),

explained as {{ inline_cte() }} (
    select
        *,
        case quarantine_reason
            when 'unparseable_timestamp' then coalesce(raw_occurred_at, 'null occurred_at')
            when 'future_timestamp' then raw_occurred_at
            when 'malformed_json'
                then case
                        when not has_valid_properties then raw_properties
                        when not has_valid_context then raw_context
                        else coalesce(products, 'null products')
                    end
            when 'unknown_event_name' then raw_event_name
            when 'unparseable_number' then {{ unparseable_detail(unparseable_numbers, otherwise='first_bad_line') }}
            when 'incomplete_order'
                then case
                        when {{ clean_text('raw_order_id') }} is null then 'null order_id'
                        else 'null revenue'
                    end
            when 'negative_amount' then case
                    when revenue < 0 then raw_revenue
                    when price < 0 then raw_price
                    else first_bad_line
                end
        end as quarantine_detail
    from classified
),

{{ number_and_flag_deliveries(
    'explained', 'has_repeated_event_id', 'event_id', 'received_at, raw_occurred_at, raw_properties',
    has_earlier_delivery='has_earlier_delivery',
) }},

final as (
    select
        raw_row_id,

        -- ids
        event_id,
        anonymous_id,
        user_id,
        account_id,

        -- event name
        raw_event_name,
        event_name,

        -- timestamps (UTC)
        occurred_at,
        received_at,

        -- the payload: a JSON object ('{}' when missing), null when malformed; the context is
        -- read only for the fields below
        {{ properties }} as properties,

        -- commerce properties
        raw_product_id as product_id,
        lower(trim(raw_category)) as category,
        raw_brand as brand,
        price,
        quantity,
        raw_order_id as order_id,
        revenue,
        upper(raw_currency) as currency,
        {{ clean_text('raw_coupon') }} as coupon,
        raw_promotion_id as promotion_id,
        products,

        -- product and engagement properties
        raw_page_path as page_path,
        raw_feature as feature,
        raw_share_via as share_via,
        rating,

        -- context
        lower(raw_device_type) as device_type,
        raw_os as os,
        raw_locale as locale,
        upper(raw_country) as country,
        raw_utm_source as utm_source,
        raw_utm_medium as utm_medium,
        raw_utm_campaign as utm_campaign,
        -- the IANA zone name as sent (Segment's context.timezone), not checked here: a name no
        -- engine knows is left out where it is used (int_person_send_times_learned)
        {{ clean_text('raw_timezone') }} as time_zone,

        {{ quarantine_and_received_on_columns() }}
    from deliveries
)

select * from final
