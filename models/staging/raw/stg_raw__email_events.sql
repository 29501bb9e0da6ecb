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
        received_at
    from base_email_events
    where quarantine_reason is null and not is_duplicate
)

select * from final
