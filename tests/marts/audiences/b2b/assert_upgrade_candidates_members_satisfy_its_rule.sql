{#- aud_upgrade_candidates must hold exactly the paying accounts of dim_accounts with at least
    one upgrade signal (`upgrade_min_pricing_views` `/pricing` views or an `Ad Clicked` in the
    last `upgrade_window_days` days, as_of - upgrade_window_days days < occurred_at <= as_of;
    usage above `upgrade_usage_ratio` of the monthly limit; seats at a positive seat limit), and
    name those signals, whatever the window: the pricing views and ad clicks are recounted here
    event by event from int_events_identified (not from int_account_windows_aggregated, which the
    audience reads). Returns members breaking the recounted rule, members whose carried counts
    or signal flags differ from the recount, and rule-satisfying accounts left out. -#}

{%- set days = var('upgrade_window_days') %}

with

accounts as (
    select * from {{ ref('dim_accounts') }}
),

events as (
    select * from {{ ref('int_events_identified') }}
),

audience as (
    select * from {{ ref('aud_upgrade_candidates') }}
),

window_events as (
    {{- recount_events('account_id', days, [
        ('pricing_page_views', 'Page Viewed', '/pricing'),
        ('ad_clicks', 'Ad Clicked'),
    ]) }}
),

recounted as (
    select
        accounts.account_id,
        accounts.is_paying,
        coalesce(window_events.pricing_page_views, 0) as pricing_page_views,
        coalesce(window_events.ad_clicks, 0) as ad_clicks,
        coalesce(window_events.pricing_page_views, 0) >= {{ var('upgrade_min_pricing_views') }} as has_pricing_views,
        coalesce(accounts.usage_this_month > {{ var('upgrade_usage_ratio') }} * accounts.monthly_usage_limit, false)
            as is_near_usage_limit,
        coalesce(accounts.seat_limit > 0 and accounts.seats_used >= accounts.seat_limit, false) as is_at_seat_limit,
        coalesce(window_events.ad_clicks, 0) > 0 as has_ad_click
    from accounts
    left join window_events
        on accounts.account_id = window_events.account_id
),

expected as (
    select * from recounted
    where is_paying = true
        and (has_pricing_views or is_near_usage_limit or is_at_seat_limit or has_ad_click)
),

final as (
    {{- recount_problems('account_id', 'account', [
        ('pricing_page_views_in_window', 'pricing_page_views'),
        ('ad_clicks_in_window', 'ad_clicks'),
        'has_pricing_views',
        'is_near_usage_limit',
        'is_at_seat_limit',
        'has_ad_click',
    ]) }}
)

select * from final
