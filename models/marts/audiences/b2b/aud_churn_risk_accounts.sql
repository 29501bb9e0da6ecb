{#- Paying accounts whose churn-risk score (one point per signal) reaches `churn_risk_min_score`
    (2); carries the score and the signals. The rule and its choices are in aud_churn_risk_accounts.yml. -#}

with

{{ b2b_audience_import_ctes() }},

windowed as (
    {{ with_window_counts({
        'churn_risk_active_users': 'active_users_in_window',
        'churn_risk_active_users_before': 'active_users_prev_window',
        'churn_risk_contact_email_opens': 'contact_email_opens_in_window',
        'churn_risk_tickets': 'tickets_in_window',
    }) }}
),

signals as (
    select
        *,
        active_users_prev_window > 0
        and active_users_in_window <= (1 - {{ var('churn_risk_min_usage_drop') }}) * active_users_prev_window
            as has_usage_drop,
        contact_email_opens_in_window = 0 as has_no_contact_email_open,
        coalesce(latest_nps_score <= {{ var('churn_risk_max_detractor_nps') }}, false) as is_nps_detractor,
        tickets_in_window >= {{ var('churn_risk_min_tickets') }} as has_many_tickets
    from windowed
    where is_paying
),

scored as (
    select
        *,
        {{ signals_count([
            'has_usage_drop',
            'has_no_contact_email_open',
            'is_nps_detractor',
            'has_many_tickets',
        ]) }} as churn_risk_score
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
        {{ b2b_audience_account_columns() }},
        members.plan,
        members.mrr,
        cast(members.churn_risk_score as {{ dbt.type_int() }}) as churn_risk_score,
        members.has_usage_drop,
        members.has_no_contact_email_open,
        members.is_nps_detractor,
        members.has_many_tickets,
        cast(members.active_users_in_window as {{ dbt.type_int() }}) as active_users_in_window,
        cast(members.active_users_prev_window as {{ dbt.type_int() }}) as active_users_prev_window,
        cast(members.contact_email_opens_in_window as {{ dbt.type_int() }}) as contact_email_opens_in_window,
        members.latest_nps_score,
        cast(members.tickets_in_window as {{ dbt.type_int() }}) as tickets_in_window,
        {{ b2b_audience_shared_columns() }}
    from members
    {{ b2b_audience_shared_joins() }}
)

select * from final
