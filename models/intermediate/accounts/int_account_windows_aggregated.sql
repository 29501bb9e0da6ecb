{#- Per B2B account: the facts the account audiences count over their own window vars
    (hvp_intent_days, unengaged_quiet_sign_in_days, unengaged_quiet_email_days,
    upgrade_window_days, churn_risk_window_days), so a shop retunes a window without touching
    dim_accounts' fixed 14- and 30-day traits. Every window is half-open (in_last_days). -#}

{%- set churn_days = var('churn_risk_window_days') %}

with

crm_accounts as (
    select * from {{ ref('int_crm_accounts_resolved') }}
),

events as (
    select * from {{ ref('int_events_identified') }}
),

contact_email_opens as (
    select * from {{ ref('int_contact_email_opens_matched') }}
),

support_tickets as (
    select * from {{ ref('stg_raw__support_tickets') }}
),

account_events as (
    select * from events
    where account_id is not null
),

activity as (
    select
        account_id,
        sum(case
            when event_name = 'Page Viewed' and page_path = '/pricing'
                and {{ in_last_days('occurred_at', var('hvp_intent_days')) }}
                then 1
            else 0
        end) as hvp_pricing_page_views,
        sum(case
            when event_name = 'Demo Requested' and {{ in_last_days('occurred_at', var('hvp_intent_days')) }}
                then 1
            else 0
        end) as hvp_demo_requests,
        sum(case
            when event_name = 'Signed In' and {{ in_last_days('occurred_at', var('hvp_intent_days')) }}
                then 1
            else 0
        end) as hvp_sign_ins,
        sum(case
            when event_name = 'Signed In' and {{ in_last_days('occurred_at', var('unengaged_quiet_sign_in_days')) }}
                then 1
            else 0
        end) as unengaged_sign_ins,
        sum(case
            when event_name = 'Page Viewed' and page_path = '/pricing'
                and {{ in_last_days('occurred_at', var('upgrade_window_days')) }}
                then 1
            else 0
        end) as upgrade_pricing_page_views,
        sum(case
            when event_name = 'Ad Clicked' and {{ in_last_days('occurred_at', var('upgrade_window_days')) }}
                then 1
            else 0
        end) as upgrade_ad_clicks,
        count(distinct case when {{ in_last_days('occurred_at', churn_days) }} then person_id end)
            as churn_risk_active_users,
        count(distinct case
            when occurred_at > {{ dbt.dateadd('day', -2 * churn_days, as_of()) }}
                and occurred_at <= {{ dbt.dateadd('day', -1 * churn_days, as_of()) }}
                then person_id
        end) as churn_risk_active_users_before
    from account_events
    group by account_id
),

contact_opens as (
    select
        account_id,
        sum(case when {{ in_last_days('occurred_at', var('unengaged_quiet_email_days')) }} then 1 else 0 end)
            as unengaged_contact_email_opens,
        sum(case when {{ in_last_days('occurred_at', churn_days) }} then 1 else 0 end)
            as churn_risk_contact_email_opens
    from contact_email_opens
    group by account_id
),

tickets as (
    select
        account_id,
        count(*) as churn_risk_tickets
    from support_tickets
    where account_id is not null
        and {{ in_last_days('opened_at', churn_days) }}
    group by account_id
),

final as (
    select
        crm_accounts.account_id,
        coalesce(activity.hvp_pricing_page_views, 0) as hvp_pricing_page_views,
        coalesce(activity.hvp_demo_requests, 0) as hvp_demo_requests,
        coalesce(activity.hvp_sign_ins, 0) as hvp_sign_ins,
        coalesce(activity.unengaged_sign_ins, 0) as unengaged_sign_ins,
        coalesce(contact_opens.unengaged_contact_email_opens, 0) as unengaged_contact_email_opens,
        coalesce(activity.upgrade_pricing_page_views, 0) as upgrade_pricing_page_views,
        coalesce(activity.upgrade_ad_clicks, 0) as upgrade_ad_clicks,
        coalesce(activity.churn_risk_active_users, 0) as churn_risk_active_users,
        coalesce(activity.churn_risk_active_users_before, 0) as churn_risk_active_users_before,
        coalesce(contact_opens.churn_risk_contact_email_opens, 0) as churn_risk_contact_email_opens,
        coalesce(tickets.churn_risk_tickets, 0) as churn_risk_tickets
    from crm_accounts
    left join activity
        on crm_accounts.account_id = activity.account_id
    left join contact_opens
        on crm_accounts.account_id = contact_opens.account_id
    left join tickets
        on crm_accounts.account_id = tickets.account_id
)

select * from final
