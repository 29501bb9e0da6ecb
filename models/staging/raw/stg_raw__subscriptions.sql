with

base_subscriptions as (
    select * from {{ ref('base_raw__subscriptions') }}
),

final as (
    select
        -- ids
        subscription_id,
        account_id,
        user_id,

        -- dimensions
        plan,
        status,

        -- measures
        mrr,

        -- timestamps (UTC)
        started_at,
        trial_ends_at,
        ended_at
    from base_subscriptions
    where quarantine_reason is null and not is_duplicate
)

select * from final
