{{ config(
    materialized='incremental',
    unique_key='received_on',
    incremental_strategy=received_days_strategy(),
    partition_by=received_days_partitions(),
    on_schema_change='fail',
    tags=['received_days'],
) }}

{#- The keys read from each payload: listed once, so that each payload is parsed once per row
    (macro json_extract_scalar). -#}
{%- set property_keys = [
    'product_id', 'category', 'brand', 'order_id', 'currency', 'coupon', 'promotion_id',
    'page_path', 'feature', 'share_via',
] -%}
{%- set context_keys = ['device_type', 'os', 'locale', 'country', 'utm_source', 'utm_medium', 'utm_campaign'] -%}
{#- Incremental by day of receipt, like base_raw__events (macros/received_days.sql). -#}
{%- set restage_from = restage_from_day() -%}

with

base_events as (
    select * from {{ ref('base_raw__events') }}
    {%- if restage_from %}
        where received_on >= {{ restage_from }}
    {%- endif %}
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
        {{ json_extract_scalar('properties', 'product_id', property_keys) }} as product_id,
        lower(trim({{ json_extract_scalar('properties', 'category', property_keys) }})) as category,
        {{ json_extract_scalar('properties', 'brand', property_keys) }} as brand,
        price,
        quantity,
        {{ json_extract_scalar('properties', 'order_id', property_keys) }} as order_id,
        revenue,
        upper({{ json_extract_scalar('properties', 'currency', property_keys) }}) as currency,
        {{ clean_text(json_extract_scalar('properties', 'coupon', property_keys)) }} as coupon,
        {{ json_extract_scalar('properties', 'promotion_id', property_keys) }} as promotion_id,
        products,

        -- product and engagement properties
        {{ json_extract_scalar('properties', 'page_path', property_keys) }} as page_path,
        {{ json_extract_scalar('properties', 'feature', property_keys) }} as feature,
        {{ json_extract_scalar('properties', 'share_via', property_keys) }} as share_via,
        rating,

        -- context
        lower({{ json_extract_scalar('context', 'device_type', context_keys) }}) as device_type,
        {{ json_extract_scalar('context', 'os', context_keys) }} as os,
        {{ json_extract_scalar('context', 'locale', context_keys) }} as locale,
        upper({{ json_extract_scalar('context', 'country', context_keys) }}) as country,
        {{ json_extract_scalar('context', 'utm_source', context_keys) }} as utm_source,
        {{ json_extract_scalar('context', 'utm_medium', context_keys) }} as utm_medium,
        {{ json_extract_scalar('context', 'utm_campaign', context_keys) }} as utm_campaign,

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
