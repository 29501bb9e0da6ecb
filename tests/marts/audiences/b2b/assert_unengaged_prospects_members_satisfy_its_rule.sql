{#- aud_unengaged_prospects must hold exactly the non-paying accounts of dim_accounts with a
    trial or a demo request and at least `unengaged_min_signals` of: no sign-in in 14 days, a
    checkout with no subscription started at or after it, no contact email open in 30 days:
    returns members breaking the rule (or counting other signals) and accounts left out. -#}

with

accounts as (
    select * from {{ ref('dim_accounts') }}
),

audience as (
    select * from {{ ref('aud_unengaged_prospects') }}
),

signal_rows as (
    select
        account_id,
        1 as signal
    from accounts
    where sign_ins_14d = 0
    union all
    select
        account_id,
        1 as signal
    from accounts
    where last_checkout_started_at is not null
        and (last_subscription_started_at is null or last_subscription_started_at < last_checkout_started_at)
    union all
    select
        account_id,
        1 as signal
    from accounts
    where contact_email_opens_30d = 0
),

signal_counts as (
    select
        account_id,
        sum(signal) as signals
    from signal_rows
    group by account_id
),

expected as (
    select
        accounts.account_id,
        signal_counts.signals
    from accounts
    inner join signal_counts
        on accounts.account_id = signal_counts.account_id
    where accounts.is_paying = false
        and (accounts.trial_started_at is not null or accounts.last_demo_requested_at is not null)
        and signal_counts.signals >= {{ var('unengaged_min_signals') }}
),

final as (
    select
        coalesce(audience.account_id, expected.account_id) as account_id,
        case
            when expected.account_id is null then 'member breaks the rule'
            when audience.account_id is null then 'rule-satisfying account missing'
            else 'wrong unengaged_signals'
        end as problem
    from audience
    full outer join expected
        on audience.account_id = expected.account_id
    where audience.account_id is null
        or expected.account_id is null
        or audience.unengaged_signals is distinct from expected.signals
)

select * from final
