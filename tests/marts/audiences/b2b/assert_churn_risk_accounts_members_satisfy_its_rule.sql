{#- aud_churn_risk_accounts must hold exactly the paying accounts of dim_accounts whose risk
    points reach `churn_risk_min_score`, with that score and its signals, whatever
    `churn_risk_window_days` (N): users active in the last N days (as_of - N days < occurred_at
    <= as_of) down at least `churn_risk_min_usage_drop` on the N days before, no contact email
    open in the last N days, a detractor NPS, at least `churn_risk_min_tickets` tickets opened
    in the last N days. The windowed facts are recounted here, not read from
    int_account_windows_aggregated (which the audience reads): active users as distinct persons of
    the account's events in int_events_identified, contact opens as distinct `opened` events of
    stg_raw__email_events whose user_id or email is a contact's of the account in
    int_crm_contacts_resolved, tickets as distinct tickets of stg_raw__support_tickets. Returns
    members breaking the recounted rule, members whose carried facts, flags or score differ from
    the recount, and rule-satisfying accounts left out. -#}

{%- set days = var('churn_risk_window_days') %}

with

{{ recount_import_ctes({
    'accounts': 'dim_accounts',
    'events': 'int_events_identified',
    'support_tickets': 'stg_raw__support_tickets',
    'audience': 'aud_churn_risk_accounts',
}) }},

active_users as (
    select
        account_id,
        count(distinct case when occurred_at > {{ dbt.dateadd('day', -1 * days, as_of()) }} then person_id end)
            as active_now,
        count(distinct case when occurred_at <= {{ dbt.dateadd('day', -1 * days, as_of()) }} then person_id end)
            as active_before
    from events
    where account_id is not null
        and {{ recount_window('occurred_at', 2 * days) }}
    group by account_id
),

{{ recount_contact_email_opens(days) }},

window_tickets as (
    select
        account_id,
        count(distinct ticket_id) as tickets
    from support_tickets
    where account_id is not null
        and {{ recount_window('opened_at', days) }}
    group by account_id
),

recounted as (
    select
        accounts.account_id,
        accounts.is_paying,
        coalesce(active_users.active_now, 0) as active_now,
        coalesce(active_users.active_before, 0) as active_before,
        coalesce(contact_opens.contact_email_opens, 0) as contact_email_opens,
        coalesce(window_tickets.tickets, 0) as tickets,
        coalesce(accounts.latest_nps_score <= {{ var('churn_risk_max_detractor_nps') }}, false) as is_nps_detractor
    from accounts
    left join active_users
        on accounts.account_id = active_users.account_id
    left join contact_opens
        on accounts.account_id = contact_opens.account_id
    left join window_tickets
        on accounts.account_id = window_tickets.account_id
),

flagged as (
    select
        *,
        active_before > 0
        and active_now <= (1 - {{ var('churn_risk_min_usage_drop') }}) * active_before as has_usage_drop,
        contact_email_opens = 0 as has_no_contact_email_open,
        tickets >= {{ var('churn_risk_min_tickets') }} as has_many_tickets
    from recounted
),

scored as (
    select
        *,
        case when has_usage_drop then 1 else 0 end
        + case when has_no_contact_email_open then 1 else 0 end
        + case when is_nps_detractor then 1 else 0 end
        + case when has_many_tickets then 1 else 0 end as score
    from flagged
),

expected as (
    select * from scored
    where is_paying = true
        and score >= {{ var('churn_risk_min_score') }}
),

final as (
    {{- recount_problems('account_id', 'account', [
        ('churn_risk_score', 'score'),
        ('active_users_in_window', 'active_now'),
        ('active_users_prev_window', 'active_before'),
        ('contact_email_opens_in_window', 'contact_email_opens'),
        ('tickets_in_window', 'tickets'),
        'has_usage_drop',
        'has_no_contact_email_open',
        'is_nps_detractor',
        'has_many_tickets',
    ]) }}
)

select * from final
