{#- Paying accounts looking at pricing, near their usage limit, at their seat limit or clicking
    ads; carries which signals fired. The rule and its choices are in aud_upgrade_candidates.yml. -#}

with

{{ b2b_audience_import_ctes() }},

windowed as (
    {{ with_window_counts({
        'upgrade_pricing_page_views': 'pricing_page_views_in_window',
        'upgrade_ad_clicks': 'ad_clicks_in_window',
    }) }}
),

signals as (
    select
        *,
        pricing_page_views_in_window >= {{ var('upgrade_min_pricing_views') }} as has_pricing_views,
        coalesce(usage_ratio_this_month > {{ var('upgrade_usage_ratio') }}, false) as is_near_usage_limit,
        coalesce(seat_limit > 0 and seats_used >= seat_limit, false) as is_at_seat_limit,
        ad_clicks_in_window >= 1 as has_ad_click
    from windowed
    where is_paying
),

members as (
    select * from signals
    where has_pricing_views or is_near_usage_limit or is_at_seat_limit or has_ad_click
),

described as (
    select
        *,
        {{ dbt.concat([
            "case when has_pricing_views then ',pricing_views' else '' end",
            "case when is_near_usage_limit then ',usage_limit' else '' end",
            "case when is_at_seat_limit then ',seat_limit' else '' end",
            "case when has_ad_click then ',ad_click' else '' end",
        ]) }} as signal_list
    from members
),

catalog_entry as (
    select * from audience_catalog
    where audience_name = 'upgrade_candidates'
),

final as (
    select
        described.account_id,
        described.account_name,
        described.domain,
        described.plan,
        described.mrr,
        cast(described.pricing_page_views_in_window as {{ dbt.type_int() }}) as pricing_page_views_in_window,
        described.usage_this_month,
        described.monthly_usage_limit,
        described.usage_ratio_this_month,
        described.seats_used,
        described.seat_limit,
        cast(described.ad_clicks_in_window as {{ dbt.type_int() }}) as ad_clicks_in_window,
        described.has_pricing_views,
        described.is_near_usage_limit,
        described.is_at_seat_limit,
        described.has_ad_click,
        -- every member has a signal, so the list is never empty; drop its leading comma
        {{ dbt.right('described.signal_list', dbt.length('described.signal_list') ~ ' - 1') }} as upgrade_signals,
        {{ b2b_audience_shared_columns() }}
    from described
    {{ b2b_audience_shared_joins('described') }}
)

select * from final
