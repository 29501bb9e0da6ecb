{#- Accounts that are not paying, fit the ideal customer profile and show intent in the last 14
    days. The rule and its choices are in _b2b__models.yml. -#}

with

accounts as (
    select * from {{ ref('dim_accounts') }}
),

target_industries as (
    select * from {{ ref('target_industries') }}
),

reachable_decision_makers as (
    select * from {{ ref('int_account_decision_makers_reachable') }}
),

audience_catalog as (
    select * from {{ ref('audience_catalog') }}
),

signals as (
    select
        accounts.*,
        coalesce(accounts.employee_count >= {{ var('hvp_min_employees') }}, false) as is_large_company,
        target_industries.industry is not null as is_target_industry,
        accounts.pricing_page_views_14d >= {{ var('hvp_min_pricing_views') }} as has_pricing_intent,
        accounts.demo_requests_14d >= 1 as has_demo_intent,
        accounts.account_status = 'trial' and accounts.sign_ins_14d >= 1 as has_trial_intent
    from accounts
    left join target_industries
        on lower(trim(accounts.industry)) = lower(trim(target_industries.industry))
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
        members.account_id,
        members.account_name,
        members.domain,
        members.account_status,
        members.industry,
        members.employee_count,
        members.is_large_company,
        members.is_target_industry,
        members.pricing_page_views_14d,
        members.demo_requests_14d,
        members.sign_ins_14d,
        members.has_pricing_intent,
        members.has_demo_intent,
        members.has_trial_intent,
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
