{{ config(materialized='table') }}

{#- Every raw event row, typed, with the reason it cannot be used (null when it can) and
    whether it is a redelivery of an event already received. stg_raw__events keeps the usable
    first deliveries; stg_raw__quarantined_rows and stg_raw__removed_duplicates account for
    the rest, so that no row is lost silently. -#}

with

source as (
    select * from {{ source('raw', 'events') }}
),

{{ number_raw_rows('source', [
    'event_id',
    'event_name',
    'anonymous_id',
    'user_id',
    'account_id',
    'occurred_at',
    'received_at',
    'properties',
    'context',
]) }},

event_name_aliases as (
    select * from {{ ref('event_name_aliases') }}
),

typed as (
    select
        raw_row_id,

        -- ids
        {{ clean_text('event_id') }} as event_id,
        {{ clean_text('anonymous_id') }} as anonymous_id,
        {{ clean_text('user_id') }} as user_id,
        {{ clean_text('account_id') }} as account_id,

        -- event name
        cast(event_name as {{ dbt.type_string() }}) as raw_event_name,
        {{ event_name_key('event_name') }} as event_name_key,

        -- timestamps
        cast(occurred_at as {{ dbt.type_string() }}) as raw_occurred_at,
        {{ parse_timestamp_utc('occurred_at') }} as occurred_at,
        {{ parse_timestamp_utc('received_at') }} as received_at,

        -- payloads: a missing payload is an empty one, a broken one is kept for the record
        cast(properties as {{ dbt.type_string() }}) as raw_properties,
        cast(context as {{ dbt.type_string() }}) as raw_context,
        coalesce({{ clean_text('properties') }}, '{}') as properties_text,
        coalesce({{ clean_text('context') }}, '{}') as context_text
    from numbered_rows
),

validated_json as (
    select
        *,
        {{ is_json_object('properties_text') }} as has_valid_properties,
        {{ is_json_object('context_text') }} as has_valid_context
    from typed
),

named as (
    select
        validated_json.*,
        event_name_aliases.canonical_event_name as event_name
    from validated_json
    left join event_name_aliases
        on validated_json.event_name_key = event_name_aliases.event_name_key
),

parseable_json as (
    select
        *,
        case when has_valid_properties then properties_text end as properties,
        case when has_valid_context then context_text end as context
    from named
),

extracted as (
    select
        *,
        {{ json_extract_scalar('properties', 'order_id') }} as raw_order_id,
        {{ json_extract_scalar('properties', 'revenue') }} as raw_revenue,
        {{ json_extract_scalar('properties', 'price') }} as raw_price,
        {{ json_extract_scalar('properties', 'quantity') }} as raw_quantity,
        {{ json_extract_scalar('properties', 'rating') }} as raw_rating,
        {{ json_extract_array('properties', 'products') }} as products
    from parseable_json
),

parsed_numbers as (
    select
        *,
        {{ parse_number('raw_revenue') }} as revenue,
        {{ parse_number('raw_price') }} as price,
        {{ parse_integer('raw_quantity') }} as quantity,
        {{ parse_integer('raw_rating') }} as rating
    from extracted
),

-- the products array of each distinct order payload, one row per line, checked once per text
order_products as (
    select distinct products
    from parsed_numbers
    where event_name = 'Order Completed' and {{ is_json_array('products') }}
),

order_lines as (
    select
        order_products.products,
        cast(order_line.product_json as {{ dbt.type_string() }}) as product_json
    from order_products
    {{ join_json_array_elements('order_products.products', 'order_line', 'product_json', 'line_number') }}
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

with_order_problems as (
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

classified as (
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
            when {{ is_unparseable('raw_revenue', 'revenue') }}
                or {{ is_unparseable('raw_price', 'price') }}
                or {{ is_unparseable('raw_quantity', 'quantity') }}
                or {{ is_unparseable('raw_rating', 'rating') }}
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

explained as (
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
            when 'unparseable_number'
                then case
                        when {{ is_unparseable('raw_revenue', 'revenue') }} then raw_revenue
                        when {{ is_unparseable('raw_price', 'price') }} then raw_price
                        when {{ is_unparseable('raw_quantity', 'quantity') }} then raw_quantity
                        when {{ is_unparseable('raw_rating', 'rating') }} then raw_rating
                        else first_bad_line
                    end
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

{{ flag_duplicates('explained', 'event_id', 'received_at, raw_occurred_at, raw_properties') }}

select * from final
