{{ config(materialized='table') }}

with

base_events as (
    select * from {{ ref('base_raw__events') }}
),

usable as (
    select * from base_events
    where quarantine_reason is null and not is_duplicate
),

final as (
    select
        -- ids
        event_id,
        anonymous_id,
        user_id,
        account_id,

        -- event
        event_name,
        raw_event_name,

        -- commerce properties
        {{ json_extract_scalar('properties', 'product_id') }} as product_id,
        lower(trim({{ json_extract_scalar('properties', 'category') }})) as category,
        {{ json_extract_scalar('properties', 'brand') }} as brand,
        price,
        quantity,
        {{ json_extract_scalar('properties', 'order_id') }} as order_id,
        revenue,
        upper({{ json_extract_scalar('properties', 'currency') }}) as currency,
        {{ clean_text(json_extract_scalar('properties', 'coupon')) }} as coupon,
        {{ json_extract_scalar('properties', 'promotion_id') }} as promotion_id,
        products,

        -- product and engagement properties
        {{ json_extract_scalar('properties', 'page_path') }} as page_path,
        {{ json_extract_scalar('properties', 'feature') }} as feature,
        {{ json_extract_scalar('properties', 'share_via') }} as share_via,
        rating,

        -- context
        lower({{ json_extract_scalar('context', 'device_type') }}) as device_type,
        {{ json_extract_scalar('context', 'os') }} as os,
        {{ json_extract_scalar('context', 'locale') }} as locale,
        upper({{ json_extract_scalar('context', 'country') }}) as country,
        {{ json_extract_scalar('context', 'utm_source') }} as utm_source,
        {{ json_extract_scalar('context', 'utm_medium') }} as utm_medium,
        {{ json_extract_scalar('context', 'utm_campaign') }} as utm_campaign,

        -- timestamps (UTC)
        occurred_at,
        received_at,

        -- the full payload, for properties not modelled above
        properties
    from usable
)

select * from final
