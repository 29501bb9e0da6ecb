{#- aud_unengaged_prospects must hold exactly the non-paying accounts of dim_accounts with a
    trial or a demo request and at least `unengaged_min_signals` of: no sign-in in
    `unengaged_quiet_sign_in_days`, a checkout with no subscription started at or after it, no
    contact email open in `unengaged_quiet_email_days`: returns members breaking the rule (or
    counting other signals) and accounts left out.
    The facts come from dim_accounts' fixed-window traits when the window var has their
    length (an independent count), else from int_account_audience_windows. -#}

{%- set sign_in_traits = 'true' if var('unengaged_quiet_sign_in_days') | float == 14 else 'false' %}
{%- set email_traits = 'true' if var('unengaged_quiet_email_days') | float == 30 else 'false' %}
{%- set sign_ins = 'case when ' ~ sign_in_traits ~ ' then accounts.sign_ins_14d else account_windows.unengaged_sign_ins end' %}
{%- set email_opens = 'case when ' ~ email_traits
    ~ ' then accounts.contact_email_opens_30d else account_windows.unengaged_contact_email_opens end' %}

with

accounts as (
    select * from {{ ref('dim_accounts') }}
),

audience as (
    select * from {{ ref('aud_unengaged_prospects') }}
),

account_windows as (
    select * from {{ ref('int_account_audience_windows') }}
),

signal_rows as (
    select
        accounts.account_id,
        1 as signal
    from accounts
    left join account_windows
        on accounts.account_id = account_windows.account_id
    where coalesce({{ sign_ins }}, 0) = 0
    union all
    select
        account_id,
        1 as signal
    from accounts
    where last_checkout_started_at is not null
        and (last_subscription_started_at is null or last_subscription_started_at < last_checkout_started_at)
    union all
    select
        accounts.account_id,
        1 as signal
    from accounts
    left join account_windows
        on accounts.account_id = account_windows.account_id
    where coalesce({{ email_opens }}, 0) = 0
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
