{#- Accounts that are not paying, fit the ideal customer profile and show intent in the last
    `hvp_intent_days` (14) days. The rule and its choices are in aud_high_value_prospects.yml. -#}

with

{{ b2b_audience_import_ctes() }},

target_industries as (
    select * from {{ ref('target_industries') }}
),

windowed as (
    {{ with_window_counts({
        'hvp_pricing_page_views': 'pricing_page_views_in_window',
        'hvp_demo_requests': 'demo_requests_in_window',
        'hvp_sign_ins': 'sign_ins_in_window',
    }) }}
),

signals as (
    select
        windowed.*,
        coalesce(windowed.employee_count >= {{ var('hvp_min_employees') }}, false) as is_large_company,
        target_industries.industry is not null as is_target_industry,
        windowed.pricing_page_views_in_window >= {{ var('hvp_min_pricing_views') }} as has_pricing_intent,
        windowed.demo_requests_in_window >= 1 as has_demo_intent,
        windowed.account_status = 'trial' and windowed.sign_ins_in_window >= 1 as has_trial_intent
    from windowed
    left join target_industries
        on lower(trim(windowed.industry)) = lower(trim(target_industries.industry))
),

members as (
    select * from signals
    where not is_paying
        and (is_large_company or is_target_industry)
        and (has_pricing_intent or has_demo_intent or has_trial_intent)
),

catalog_entry as (
    select * from audience_catalog
    where audience_name = 'high_value_prospects'
),

final as (
    select
        {{ b2b_audience_account_columns() }},
        members.account_status,
        members.industry,
        members.employee_count,
        members.is_large_company,
        members.is_target_industry,
        cast(members.pricing_page_views_in_window as {{ dbt.type_int() }}) as pricing_page_views_in_window,
        cast(members.demo_requests_in_window as {{ dbt.type_int() }}) as demo_requests_in_window,
        cast(members.sign_ins_in_window as {{ dbt.type_int() }}) as sign_ins_in_window,
        members.has_pricing_intent,
        members.has_demo_intent,
        members.has_trial_intent,
        {{ b2b_audience_shared_columns() }}
    from members
    {{ b2b_audience_shared_joins() }}
)

select * from final
