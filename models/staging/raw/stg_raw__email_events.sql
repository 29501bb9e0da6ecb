{{ config(materialized='view') }}

{#- The usable first deliveries of base_raw__email_events. A view, like stg_raw__events: a
    table would copy every usable email event on each build; filters on received_on reach
    base_raw__email_events. -#}

with

base_email_events as (
    select * from {{ ref('base_raw__email_events') }}
),

final as (
    select
        -- ids
        email_event_id,
        user_id,
        email,
        campaign_id,

        -- dimensions
        event_type,

        -- timestamps (UTC)
        occurred_at,
        received_at,

        -- the day of receipt: the partition an incremental run replaces
        received_on
    from base_email_events
    where quarantine_reason is null and not is_duplicate
)

select * from final
