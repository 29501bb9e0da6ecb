{#- Per B2B account, its subscriptions started by as_of: the latest start, the first trial's
    start, and whether a trial runs at as_of. A subscription is a trial when it has a
    trial_ends_at or its status is trialing; its trial runs at as_of when it has not ended by
    as_of and its trial_ends_at is after as_of (a trialing row without trial_ends_at runs until
    it ends). One ended after as_of is not ended. -#}

with

subscriptions as (
    select * from {{ ref('stg_raw__subscriptions') }}
),

subscriptions_until_as_of as (
    select
        *,
        trial_ends_at is not null or status = 'trialing' as is_trial
    from subscriptions
    where account_id is not null and started_at <= {{ as_of() }}
),

subscriptions_at_as_of as (
    select
        *,
        is_trial
        and not coalesce(ended_at <= {{ as_of() }}, false)
        and coalesce(trial_ends_at > {{ as_of() }}, status = 'trialing') as is_trialing_at_as_of
    from subscriptions_until_as_of
),

final as (
    select
        account_id,
        max(started_at) as last_subscription_started_at,
        min(case when is_trial then started_at end) as first_trial_subscription_started_at,
        max(case when is_trialing_at_as_of then 1 else 0 end) = 1 as has_trialing_subscription
    from subscriptions_at_as_of
    group by account_id
)

select * from final
