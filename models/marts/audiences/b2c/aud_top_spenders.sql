{#- Buyers in the top `top_spender_pct` percent by lifetime_revenue: fewer than that share of
    buyers has a strictly higher lifetime_revenue, so ties at the cut are all in. Buyers are
    ranked before persons with a privacy opt-out are left out. The rule and its choices are in
    aud_top_spenders.yml. -#}

with

{{ b2c_audience_import_ctes() }},

buyers as (
    select * from persons
    where orders_count > 0
),

-- rank() - 1 counts the buyers with a strictly higher revenue; the cut compares it in
-- integers, since 1 - cume_dist() in floating point puts 1 - 0.9 below 0.1
ranked_buyers as (
    select
        *,
        rank() over (order by lifetime_revenue desc) - 1 as buyers_above,
        count(*) over () as buyers_total,
        cume_dist() over (order by lifetime_revenue) as revenue_percentile
    from buyers
),

members as (
    select * from ranked_buyers
    where not has_privacy_opt_out
        and buyers_above * 100 < {{ var('top_spender_pct') }} * buyers_total
),

catalog_entry as (
    select * from audience_catalog
    where audience_name = 'top_spenders'
),

final as (
    select
        {{ b2c_audience_person_columns() }},
        members.orders_count,
        members.lifetime_revenue,
        cast(members.revenue_percentile as double) as revenue_percentile,
        {{ audience_catalog_columns() }}
    from members
    cross join catalog_entry
)

select * from final
