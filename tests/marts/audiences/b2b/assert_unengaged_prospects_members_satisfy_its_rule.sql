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

{{ recount_import_ctes({
    'accounts': 'dim_accounts',
    'events': 'int_events_identified',
    'audience': 'aud_unengaged_prospects',
}) }},

window_sign_ins as (
    {{- recount_events('account_id', sign_in_days, [('sign_ins', 'Signed In')]) }}
),

{{ recount_contact_email_opens(email_days) }},

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
    {{- recount_problems('account_id', 'account', [
        ('unengaged_signals', 'signals'),
        ('sign_ins_in_window', 'sign_ins'),
        ('contact_email_opens_in_window', 'contact_email_opens'),
        'has_no_recent_sign_in',
        'has_stalled_checkout',
        'has_no_recent_email_open',
    ]) }}
)

select * from final
