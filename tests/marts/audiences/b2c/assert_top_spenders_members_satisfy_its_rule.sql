{#- aud_top_spenders must hold exactly the buyers of dim_persons without a privacy opt-out of
    whom fewer than `top_spender_pct` percent of all buyers (opted-out ones included) have a
    strictly higher lifetime_revenue: returns members breaking the rule and rule-satisfying
    persons left out. Re-expressed with revenue levels and a running count instead of rank(). -#}

with

persons as (
    select * from {{ ref('dim_persons') }}
),

audience as (
    select * from {{ ref('aud_top_spenders') }}
),

buyers as (
    select * from persons
    where orders_count > 0
),

revenue_levels as (
    select
        lifetime_revenue,
        count(*) as buyers_at_level
    from buyers
    group by lifetime_revenue
),

levels_with_buyers_above as (
    select
        lifetime_revenue,
        coalesce(sum(buyers_at_level) over (
            order by lifetime_revenue desc
            rows between unbounded preceding and 1 preceding
        ), 0) as buyers_above,
        sum(buyers_at_level) over () as buyers_total
    from revenue_levels
),

expected as (
    select buyers.person_id
    from buyers
    inner join levels_with_buyers_above
        on buyers.lifetime_revenue = levels_with_buyers_above.lifetime_revenue
    where buyers.has_privacy_opt_out = false
        and 100e0 * levels_with_buyers_above.buyers_above
        < {{ var('top_spender_pct') }} * levels_with_buyers_above.buyers_total
),

final as (
    {{- recount_problems('person_id', 'person') }}
)

select * from final
