{#- One row per account known at as_of (int_crm_accounts_resolved) with every count over a
    window before as_of, 0 without any: dim_accounts' fixed 7-, 14- and 30-day traits and the
    windows of the B2B audiences (hvp_intent_days, unengaged_quiet_sign_in_days,
    unengaged_quiet_email_days, upgrade_window_days, churn_risk_window_days), each declared
    once in account_window_signals() (macros/windows.sql); and usage_breadth, features_used_30d
    over the features seen in the whole product. Events are those carrying the account's
    account_id (int_events_identified), contact email opens those of
    int_contact_email_opens_matched, tickets those of stg_raw__support_tickets with the
    account's account_id. -#}

with

crm_accounts as (
    select * from {{ ref('int_crm_accounts_resolved') }}
),

-- inlined: each reader filters the view's events its own way; stored, every event with every
-- column was copied first, more than half of this model's time alone at 10M events
events as {{ inline_cte() }} (
    select * from {{ ref('int_events_identified') }}
),

account_contact_email_opens as (
    select * from {{ ref('int_contact_email_opens_matched') }}
),

support_tickets as (
    select * from {{ ref('stg_raw__support_tickets') }}
),

account_events as (
    select * from events
    where account_id is not null
),

account_tickets as (
    select * from support_tickets
    where account_id is not null
),

features_in_product as (
    select count(distinct feature) as features_seen
    from events
    where event_name = 'Feature Used' and feature is not null
),

{{ windowed_facts('crm_accounts', 'account_id', account_window_signals()) }},

final as (
    select
        windowed.*,
        1e0 * windowed.features_used_30d / nullif(features_in_product.features_seen, 0) as usage_breadth
    from windowed
    cross join features_in_product
)

select * from final
