{#- aud_high_value_prospects must hold exactly the accounts of dim_accounts that are not paying,
    have at least `hvp_min_employees` employees or a target industry, and in the last
    `hvp_intent_days` `hvp_min_pricing_views` pricing views, a demo request or a sign-in in
    trial: returns members breaking the rule and rule-satisfying accounts left out.
    The facts come from dim_accounts' fixed-window traits when the window var has their
    length (an independent count), else from int_account_audience_windows. -#}

{%- set traits = 'true' if var('hvp_intent_days') | float == 14 else 'false' %}
{%- set pricing_views = 'case when ' ~ traits ~ ' then accounts.pricing_page_views_14d else account_windows.hvp_pricing_page_views end' %}
{%- set demo_requests = 'case when ' ~ traits ~ ' then accounts.demo_requests_14d else account_windows.hvp_demo_requests end' %}
{%- set sign_ins = 'case when ' ~ traits ~ ' then accounts.sign_ins_14d else account_windows.hvp_sign_ins end' %}

with

accounts as (
    select * from {{ ref('dim_accounts') }}
),

audience as (
    select * from {{ ref('aud_high_value_prospects') }}
),

account_windows as (
    select * from {{ ref('int_account_audience_windows') }}
),

target_industries as (
    select lower(trim(industry)) as industry from {{ ref('target_industries') }}
),

expected as (
    select accounts.account_id
    from accounts
    left join account_windows
        on accounts.account_id = account_windows.account_id
    where accounts.is_paying = false
        and (
            accounts.employee_count >= {{ var('hvp_min_employees') }}
            or lower(trim(accounts.industry)) in (select target_industries.industry from target_industries)
        )
        and (
            {{ pricing_views }} >= {{ var('hvp_min_pricing_views') }}
            or {{ demo_requests }} > 0
            or (accounts.account_status = 'trial' and {{ sign_ins }} > 0)
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
