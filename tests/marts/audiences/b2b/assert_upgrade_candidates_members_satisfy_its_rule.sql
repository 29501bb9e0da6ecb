{#- aud_upgrade_candidates must hold exactly the paying accounts of dim_accounts with at least
    one upgrade signal (pricing views, usage above the ratio of the limit, seats at the limit,
    an ad click), and name those signals: returns members breaking the rule (or naming other
    signals) and accounts left out.
    The facts come from dim_accounts' fixed-window traits when the window var has their
    length (an independent count), else from int_account_audience_windows. -#}

{%- set traits = 'true' if var('upgrade_window_days') | float == 30 else 'false' %}
{%- set pricing_views = 'case when ' ~ traits ~ ' then accounts.pricing_page_views_30d else account_windows.upgrade_pricing_page_views end' %}
{%- set ad_clicks = 'case when ' ~ traits ~ ' then accounts.ad_clicks_30d else account_windows.upgrade_ad_clicks end' %}

with

accounts as (
    select * from {{ ref('dim_accounts') }}
),

audience as (
    select * from {{ ref('aud_upgrade_candidates') }}
),

account_windows as (
    select * from {{ ref('int_account_audience_windows') }}
),

window_facts as (
    select
        accounts.*,
        coalesce({{ pricing_views }}, 0) as window_pricing_views,
        coalesce({{ ad_clicks }}, 0) as window_ad_clicks
    from accounts
    left join account_windows
        on accounts.account_id = account_windows.account_id
),

expected as (
    select
        account_id,
        window_pricing_views >= {{ var('upgrade_min_pricing_views') }} as expected_pricing_views,
        coalesce(usage_this_month > {{ var('upgrade_usage_ratio') }} * monthly_usage_limit, false)
            as expected_usage_limit,
        coalesce(seat_limit > 0 and seats_used >= seat_limit, false) as expected_seat_limit,
        window_ad_clicks > 0 as expected_ad_click
    from window_facts
    where is_paying = true
        and (
            window_pricing_views >= {{ var('upgrade_min_pricing_views') }}
            or usage_this_month > {{ var('upgrade_usage_ratio') }} * monthly_usage_limit
            or (seat_limit > 0 and seats_used >= seat_limit)
            or window_ad_clicks > 0
        )
),

final as (
    select
        coalesce(audience.account_id, expected.account_id) as account_id,
        case
            when expected.account_id is null then 'member breaks the rule'
            when audience.account_id is null then 'rule-satisfying account missing'
            else 'wrong signals'
        end as problem
    from audience
    full outer join expected
        on audience.account_id = expected.account_id
    where audience.account_id is null
        or expected.account_id is null
        or audience.has_pricing_views is distinct from expected.expected_pricing_views
        or audience.is_near_usage_limit is distinct from expected.expected_usage_limit
        or audience.is_at_seat_limit is distinct from expected.expected_seat_limit
        or audience.has_ad_click is distinct from expected.expected_ad_click
)

select * from final
