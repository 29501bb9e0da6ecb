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

support_tickets as (
    select * from {{ ref('stg_raw__support_tickets') }}
),

audience as (
    select * from {{ ref('aud_churn_risk_accounts') }}
),

active_users as (
    select
        account_id,
        count(distinct case when occurred_at > {{ dbt.dateadd('day', -1 * days, as_of()) }} then person_id end)
            as active_now,
        count(distinct case when occurred_at <= {{ dbt.dateadd('day', -1 * days, as_of()) }} then person_id end)
            as active_before
    from events
    where account_id is not null
        and occurred_at > {{ dbt.dateadd('day', -2 * days, as_of()) }}
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
        and occurred_at > {{ dbt.dateadd('day', -1 * days, as_of()) }}
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

window_tickets as (
    select
        account_id,
        count(distinct ticket_id) as tickets
    from support_tickets
    where account_id is not null
        and opened_at > {{ dbt.dateadd('day', -1 * days, as_of()) }}
        and opened_at <= {{ as_of() }}
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
        or audience.churn_risk_score is distinct from expected.score
        or audience.active_users_in_window is distinct from expected.active_now
        or audience.active_users_prev_window is distinct from expected.active_before
        or audience.contact_email_opens_in_window is distinct from expected.contact_email_opens
        or audience.tickets_in_window is distinct from expected.tickets
        or audience.has_usage_drop is distinct from expected.has_usage_drop
        or audience.has_no_contact_email_open is distinct from expected.has_no_contact_email_open
        or audience.is_nps_detractor is distinct from expected.is_nps_detractor
        or audience.has_many_tickets is distinct from expected.has_many_tickets
)

select * from final
