{{ config(materialized='table') }}

{#- Per buyer, up to as_of: orders, revenue net of refunds, favorite purchased category, deal
    seeking, and the BTYD summary (the `lifetimes` package's definitions with a one-day
    period). Refunds come through their order (int_orders_enriched: the order's person, capped
    at its revenue), so lifetime_revenue is never below 0 and a refund naming no order seen up
    to as_of changes nothing. Orders in a window are counted in int_person_windows_aggregated. -#}

with

orders as (
    select * from {{ ref('int_orders_enriched') }}
),

order_items as (
    select * from {{ ref('stg_raw__order_items') }}
),

order_totals as (
    select
        person_id,
        count(*) as orders_count,
        sum(revenue) as gross_revenue,
        sum(refunded_revenue) as refunded_revenue,
        sum(net_revenue) as lifetime_revenue,
        min(ordered_at) as first_order_at,
        max(ordered_at) as last_order_at,
        avg(case when is_deal_seeking then 1e0 else 0e0 end) as deal_seeking_share
    from orders
    group by person_id
),

category_quantities as (
    select
        orders.person_id,
        order_items.category,
        sum(order_items.quantity) as purchased_quantity,
        max(orders.ordered_at) as last_ordered_at
    from orders
    inner join order_items
        on orders.event_id = order_items.event_id
    group by orders.person_id, order_items.category
),

ranked_categories as (
    select
        *,
        sum(purchased_quantity) over (partition by person_id) as total_purchased_quantity,
        {{ most_frequent_rank('person_id', 'category', 'purchased_quantity', 'last_ordered_at') }}
            as category_rank
    from category_quantities
    where category is not null
),

favorite_categories as (
    select
        person_id,
        category as favorite_category_purchased,
        1e0 * purchased_quantity / total_purchased_quantity as favorite_category_quantity_share
    from ranked_categories
    where category_rank = 1
),

purchase_days as (
    select
        person_id,
        ordered_date,
        sum(revenue) as day_revenue,
        row_number() over (partition by person_id order by ordered_date) as purchase_day_number
    from orders
    group by person_id, ordered_date
),

purchase_day_ranges as (
    select
        person_id,
        count(*) as purchase_days,
        min(ordered_date) as first_purchase_date,
        max(ordered_date) as last_purchase_date,
        sum(case when purchase_day_number > 1 then day_revenue end) as repeat_day_revenue
    from purchase_days
    group by person_id
),

btyd_summaries as (
    select
        person_id,
        purchase_days - 1 as btyd_frequency,
        {{ days_between('first_purchase_date', 'last_purchase_date') }} as btyd_recency,
        {{ days_between('first_purchase_date', as_of()) }} as btyd_t,
        coalesce(1e0 * repeat_day_revenue / nullif(purchase_days - 1, 0), 0) as btyd_monetary_value
    from purchase_day_ranges
),

final as (
    select
        order_totals.person_id,
        order_totals.orders_count,
        order_totals.gross_revenue,
        order_totals.refunded_revenue,
        order_totals.lifetime_revenue,
        order_totals.first_order_at,
        order_totals.last_order_at,
        1e0 * order_totals.lifetime_revenue / order_totals.orders_count as avg_order_value,
        order_totals.deal_seeking_share,
        favorite_categories.favorite_category_purchased,
        favorite_categories.favorite_category_quantity_share,
        btyd_summaries.btyd_frequency,
        btyd_summaries.btyd_recency,
        btyd_summaries.btyd_t,
        btyd_summaries.btyd_monetary_value
    from order_totals
    left join favorite_categories
        on order_totals.person_id = favorite_categories.person_id
    left join btyd_summaries
        on order_totals.person_id = btyd_summaries.person_id
)

select * from final
