{#- aud_high_value_prospects must hold exactly the accounts of dim_accounts that are not paying,
    have at least `hvp_min_employees` employees or a target industry, and in the last
    `hvp_intent_days` days (as_of - hvp_intent_days days < occurred_at <= as_of)
    `hvp_min_pricing_views` `/pricing` page views, a demo request or a sign-in while in trial,
    whatever the window: the intent events are recounted here event by event from
    int_events_identified (not from int_account_windows_aggregated, which the audience reads).
    Returns members breaking the recounted rule, members whose carried counts or flags differ
    from the recount, and rule-satisfying accounts left out. -#}

{%- set days = var('hvp_intent_days') %}

with

accounts as (
    select * from {{ ref('dim_accounts') }}
),

events as (
    select * from {{ ref('int_events_identified') }}
),

target_industries as (
    select lower(trim(industry)) as industry from {{ ref('target_industries') }}
),

audience as (
    select * from {{ ref('aud_high_value_prospects') }}
),

intent_events as (
    {{- recount_events('account_id', days, [
        ('pricing_page_views', 'Page Viewed', '/pricing'),
        ('demo_requests', 'Demo Requested'),
        ('sign_ins', 'Signed In'),
    ]) }}
),

recounted as (
    select
        accounts.account_id,
        accounts.is_paying,
        accounts.account_status,
        coalesce(accounts.employee_count >= {{ var('hvp_min_employees') }}, false) as is_large_company,
        coalesce(
            lower(trim(accounts.industry)) in (select target_industries.industry from target_industries), false
        ) as is_target_industry,
        coalesce(intent_events.pricing_page_views, 0) as pricing_page_views,
        coalesce(intent_events.demo_requests, 0) as demo_requests,
        coalesce(intent_events.sign_ins, 0) as sign_ins
    from accounts
    left join intent_events
        on accounts.account_id = intent_events.account_id
),

flagged as (
    select
        *,
        pricing_page_views >= {{ var('hvp_min_pricing_views') }} as has_pricing_intent,
        demo_requests > 0 as has_demo_intent,
        coalesce(account_status = 'trial', false) and sign_ins > 0 as has_trial_intent
    from recounted
),

expected as (
    select * from flagged
    where is_paying = false
        and (is_large_company or is_target_industry)
        and (has_pricing_intent or has_demo_intent or has_trial_intent)
),

final as (
    {{- recount_problems('account_id', 'account', [
        ('pricing_page_views_in_window', 'pricing_page_views'),
        ('demo_requests_in_window', 'demo_requests'),
        ('sign_ins_in_window', 'sign_ins'),
        'is_large_company',
        'is_target_industry',
        'has_pricing_intent',
        'has_demo_intent',
        'has_trial_intent',
    ]) }}
)

select * from final
