{{ config(materialized='view') }}

{#- The usable first deliveries of base_raw__events, which parses every payload field staging
    reads. A view: a table would copy every usable event (the largest write of a build) for
    readers that each take a few columns; filters on received_on reach base_raw__events. -#}

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
        product_id,
        category,
        brand,
        price,
        quantity,
        order_id,
        revenue,
        currency,
        coupon,
        promotion_id,
        products,

        -- product and engagement properties
        page_path,
        feature,
        share_via,
        rating,

        -- context
        device_type,
        os,
        locale,
        country,
        utm_source,
        utm_medium,
        utm_campaign,

        -- timestamps (UTC)
        occurred_at,
        received_at,

        -- the full payload, for properties not modelled above
        properties,

        -- the day of receipt: the partition an incremental run replaces
        received_on
    from usable
)

select * from final
