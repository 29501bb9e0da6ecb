{#- aud_unengaged_prospects must hold exactly the non-paying accounts of dim_accounts with a
    trial or a demo request and at least `unengaged_min_signals` of: no `Signed In` in the last
    `unengaged_quiet_sign_in_days` days, a checkout with no subscription started at or after it,
    no contact email open in the last `unengaged_quiet_email_days` days (each window as_of - N
    days < t <= as_of), whatever the windows. The windowed facts are recounted here, not read
    from int_account_windows_aggregated (which the audience reads): sign-ins as events of the
    account in int_events_identified, contact opens as distinct `opened` events of
    stg_raw__email_events whose user_id or email is a contact's of the account in
    int_crm_contacts_resolved. Returns members breaking the recounted rule, members whose carried
    facts, flags or signal count differ from the recount, and rule-satisfying accounts left
    out. -#}

{%- set sign_in_days = var('unengaged_quiet_sign_in_days') %}
{%- set email_days = var('unengaged_quiet_email_days') %}

with

accounts as (
    select * from {{ ref('dim_accounts') }}
),

events as (
    select * from {{ ref('int_events_identified') }}
),

crm_contacts as (
    select * from {{ ref('int_crm_contacts_resolved') }}
),

email_events as (
    select * from {{ ref('stg_raw__email_events') }}
),

audience as (
    select * from {{ ref('aud_unengaged_prospects') }}
),

window_sign_ins as (
    select
        account_id,
        count(event_id) as sign_ins
    from events
    where account_id is not null
        and event_name = 'Signed In'
        and occurred_at > {{ dbt.dateadd('day', -1 * sign_in_days, as_of()) }}
        and occurred_at <= {{ as_of() }}
    group by account_id
),

-- a contact matches an open by its user_id or by its email: one equality join on typed keys
contact_keys as (
    select distinct
        account_id,
        'user_id' as key_type,
        user_id as key_value
    from crm_contacts
    where account_id is not null and user_id is not null
    union all
    select distinct
        account_id,
        'email' as key_type,
        email as key_value
    from crm_contacts
    where account_id is not null and email is not null
),

window_opens as (
    select
        email_event_id,
        user_id,
        email
    from email_events
    where event_type = 'opened'
        and occurred_at > {{ dbt.dateadd('day', -1 * email_days, as_of()) }}
        and occurred_at <= {{ as_of() }}
),

open_keys as (
    select
        email_event_id,
        'user_id' as key_type,
        user_id as key_value
    from window_opens
    where user_id is not null
    union all
    select
        email_event_id,
        'email' as key_type,
        email as key_value
    from window_opens
    where email is not null
),

contact_opens as (
    select
        contact_keys.account_id,
        count(distinct open_keys.email_event_id) as contact_email_opens
    from open_keys
    inner join contact_keys
        on open_keys.key_type = contact_keys.key_type
            and open_keys.key_value = contact_keys.key_value
    group by contact_keys.account_id
),

recounted as (
    select
        accounts.account_id,
        accounts.is_paying,
        accounts.trial_started_at,
        accounts.last_demo_requested_at,
        coalesce(window_sign_ins.sign_ins, 0) as sign_ins,
        coalesce(contact_opens.contact_email_opens, 0) as contact_email_opens,
        coalesce(window_sign_ins.sign_ins, 0) = 0 as has_no_recent_sign_in,
        accounts.last_checkout_started_at is not null
        and (
            accounts.last_subscription_started_at is null
            or accounts.last_subscription_started_at < accounts.last_checkout_started_at
        ) as has_stalled_checkout,
        coalesce(contact_opens.contact_email_opens, 0) = 0 as has_no_recent_email_open
    from accounts
    left join window_sign_ins
        on accounts.account_id = window_sign_ins.account_id
    left join contact_opens
        on accounts.account_id = contact_opens.account_id
),

scored as (
    select
        *,
        case when has_no_recent_sign_in then 1 else 0 end
        + case when has_stalled_checkout then 1 else 0 end
        + case when has_no_recent_email_open then 1 else 0 end as signals
    from recounted
),

expected as (
    select * from scored
    where is_paying = false
        and (trial_started_at is not null or last_demo_requested_at is not null)
        and signals >= {{ var('unengaged_min_signals') }}
),

final as (
    select
        coalesce(audience.account_id, expected.account_id) as account_id,
        case
            when expected.account_id is null then 'member breaks the rule'
            when audience.account_id is null then 'rule-satisfying account missing'
            else 'carried facts differ from the recount'
        end as problem
    from audience
    full outer join expected
        on audience.account_id = expected.account_id
    where audience.account_id is null
        or expected.account_id is null
        or audience.unengaged_signals is distinct from expected.signals
        or audience.sign_ins_in_window is distinct from expected.sign_ins
        or audience.contact_email_opens_in_window is distinct from expected.contact_email_opens
        or audience.has_no_recent_sign_in is distinct from expected.has_no_recent_sign_in
        or audience.has_stalled_checkout is distinct from expected.has_stalled_checkout
        or audience.has_no_recent_email_open is distinct from expected.has_no_recent_email_open
)

select * from final
