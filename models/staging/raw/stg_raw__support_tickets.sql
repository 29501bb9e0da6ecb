with

base_support_tickets as (
    select * from {{ ref('base_raw__support_tickets') }}
),

final as (
    select
        -- ids
        ticket_id,
        account_id,
        user_id,

        -- dimensions
        priority,
        status,

        -- measures
        csat_score,

        -- timestamps (UTC)
        opened_at,
        closed_at
    from base_support_tickets
    where quarantine_reason is null and not is_duplicate
)

select * from final
