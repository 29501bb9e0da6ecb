{#- aud_churn_risk_accounts must hold exactly the paying accounts of dim_accounts whose risk
    points (usage drop, no contact open, detractor NPS, many tickets) reach
    `churn_risk_min_score`, with that score: returns members breaking the rule (or with
    another score) and accounts left out. -#}

with

accounts as (
    select * from {{ ref('dim_accounts') }}
),

audience as (
    select * from {{ ref('aud_churn_risk_accounts') }}
),

points as (
    select
        account_id,
        case
            when active_users_prev_30d > 0
                and active_users_30d * 1e0 / active_users_prev_30d <= 1 - {{ var('churn_risk_min_usage_drop') }}
                then 1
            else 0
        end
        + case when contact_email_opens_30d = 0 then 1 else 0 end
        + case when latest_nps_score <= {{ var('churn_risk_max_detractor_nps') }} then 1 else 0 end
        + case when tickets_30d >= {{ var('churn_risk_min_tickets') }} then 1 else 0 end as signals
    from accounts
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
