{#- Paying accounts whose churn-risk score (one point per signal) reaches `churn_risk_min_score`
    (2); carries the score and the signals. The rule and its choices are in _b2b__models.yml. -#}

with

accounts as (
    select * from {{ ref('dim_accounts') }}
),

reachable_decision_makers as (
    select * from {{ ref('int_account_decision_makers_reachable') }}
),

audience_catalog as (
    select * from {{ ref('audience_catalog') }}
),

signals as (
    select
        *,
        active_users_prev_30d > 0
        and active_users_30d <= (1 - {{ var('churn_risk_min_usage_drop') }}) * active_users_prev_30d
            as has_usage_drop,
        contact_email_opens_30d = 0 as has_no_contact_email_open,
        coalesce(latest_nps_score <= {{ var('churn_risk_max_detractor_nps') }}, false) as is_nps_detractor,
        tickets_30d >= {{ var('churn_risk_min_tickets') }} as has_many_tickets
    from accounts
    where is_paying
),

scored as (
    select
        *,
        (case when has_usage_drop then 1 else 0 end)
        + (case when has_no_contact_email_open then 1 else 0 end)
        + (case when is_nps_detractor then 1 else 0 end)
        + (case when has_many_tickets then 1 else 0 end) as churn_risk_score
    from signals
),

members as (
    select * from scored
    where churn_risk_score >= {{ var('churn_risk_min_score') }}
),

catalog_entry as (
    select * from audience_catalog
    where audience_name = 'churn_risk_accounts'
),

final as (
    select
        members.account_id,
        members.account_name,
        members.domain,
        members.plan,
        members.mrr,
        cast(members.churn_risk_score as {{ dbt.type_int() }}) as churn_risk_score,
        members.has_usage_drop,
        members.has_no_contact_email_open,
        members.is_nps_detractor,
        members.has_many_tickets,
        members.active_users_30d,
        members.active_users_prev_30d,
        members.contact_email_opens_30d,
        members.latest_nps_score,
        members.tickets_30d,
        cast(coalesce(reachable_decision_makers.reachable_decision_makers, 0) as {{ dbt.type_int() }})
            as reachable_decision_makers,
        reachable_decision_makers.reachable_decision_maker_emails as decision_maker_emails,
        {{ audience_catalog_columns() }}
        {{ as_of() }} as as_of
    from members
    left join reachable_decision_makers
        on members.account_id = reachable_decision_makers.account_id
    cross join catalog_entry
)

select * from final
