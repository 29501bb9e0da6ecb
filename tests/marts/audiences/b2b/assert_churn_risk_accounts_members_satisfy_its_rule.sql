{#- aud_churn_risk_accounts must hold exactly the paying accounts of dim_accounts whose risk
    points (usage drop, no contact open, detractor NPS, many tickets) reach
    `churn_risk_min_score`, with that score: returns members breaking the rule (or with
    another score) and accounts left out.
    The facts come from dim_accounts' fixed-window traits when the window var has their
    length (an independent count), else from int_account_audience_windows. -#}

{%- set traits = 'true' if var('churn_risk_window_days') | float == 30 else 'false' %}
{%- set active_now = 'case when ' ~ traits ~ ' then accounts.active_users_30d else account_windows.churn_risk_active_users end' %}
{%- set active_before = 'case when ' ~ traits ~ ' then accounts.active_users_prev_30d else account_windows.churn_risk_active_users_before end' %}
{%- set email_opens = 'case when ' ~ traits ~ ' then accounts.contact_email_opens_30d else account_windows.churn_risk_contact_email_opens end' %}
{%- set tickets = 'case when ' ~ traits ~ ' then accounts.tickets_30d else account_windows.churn_risk_tickets end' %}

with

accounts as (
    select * from {{ ref('dim_accounts') }}
),

audience as (
    select * from {{ ref('aud_churn_risk_accounts') }}
),

account_windows as (
    select * from {{ ref('int_account_audience_windows') }}
),

window_facts as (
    select
        accounts.account_id,
        accounts.is_paying,
        accounts.latest_nps_score,
        coalesce({{ active_now }}, 0) as active_users_now,
        coalesce({{ active_before }}, 0) as active_users_before,
        coalesce({{ email_opens }}, 0) as contact_email_opens,
        coalesce({{ tickets }}, 0) as tickets
    from accounts
    left join account_windows
        on accounts.account_id = account_windows.account_id
),

points as (
    select
        account_id,
        case
            when active_users_before > 0
                and active_users_now * 1e0 / active_users_before <= 1 - {{ var('churn_risk_min_usage_drop') }}
                then 1
            else 0
        end
        + case when contact_email_opens = 0 then 1 else 0 end
        + case when latest_nps_score <= {{ var('churn_risk_max_detractor_nps') }} then 1 else 0 end
        + case when tickets >= {{ var('churn_risk_min_tickets') }} then 1 else 0 end as signals
    from window_facts
    where is_paying = true
),

expected as (
    select * from points
    where signals >= {{ var('churn_risk_min_score') }}
),

final as (
    select
        coalesce(audience.account_id, expected.account_id) as account_id,
        case
            when expected.account_id is null then 'member breaks the rule'
            when audience.account_id is null then 'rule-satisfying account missing'
            else 'wrong churn_risk_score'
        end as problem
    from audience
    full outer join expected
        on audience.account_id = expected.account_id
    where audience.account_id is null
        or expected.account_id is null
        or audience.churn_risk_score is distinct from expected.signals
)

select * from final
