{#- aud_high_value_prospects must hold exactly the accounts of dim_accounts that are not paying,
    have at least `hvp_min_employees` employees or a target industry, and in the last 14 days
    `hvp_min_pricing_views` pricing views, a demo request or a sign-in in trial: returns
    members breaking the rule and rule-satisfying accounts left out. -#}

with

accounts as (
    select * from {{ ref('dim_accounts') }}
),

audience as (
    select * from {{ ref('aud_high_value_prospects') }}
),

target_industries as (
    select lower(trim(industry)) as industry from {{ ref('target_industries') }}
),

expected as (
    select accounts.account_id
    from accounts
    where accounts.is_paying = false
        and (
            accounts.employee_count >= {{ var('hvp_min_employees') }}
            or lower(trim(accounts.industry)) in (select target_industries.industry from target_industries)
        )
        and (
            accounts.pricing_page_views_14d >= {{ var('hvp_min_pricing_views') }}
            or accounts.demo_requests_14d > 0
            or (accounts.account_status = 'trial' and accounts.sign_ins_14d > 0)
        )
),

final as (
    select
        coalesce(audience.account_id, expected.account_id) as account_id,
        case
            when expected.account_id is null then 'member breaks the rule'
            else 'rule-satisfying account missing'
        end as problem
    from audience
    full outer join expected
        on audience.account_id = expected.account_id
    where audience.account_id is null
        or expected.account_id is null
)

select * from final
