{#- Refunds never take back more than was paid: per order (int_orders_enriched) the refunded
    revenue is between 0 and the order's revenue and no more than its distinct refund events
    add up to; per person (dim_persons) refunded_revenue is at most gross_revenue and
    lifetime_revenue is their difference, never below 0. One row per breach. -#}

with

orders as (
    select * from {{ ref('int_orders_enriched') }}
),

events as (
    select * from {{ ref('int_events_identified') }}
),

persons as (
    select * from {{ ref('dim_persons') }}
),

refund_events as (
    select distinct
        event_id,
        order_id,
        coalesce(revenue, 0) as refund_revenue
    from events
    where event_name = 'Order Refunded'
),

refunds_sent as (
    select
        order_id,
        sum(refund_revenue) as refunds_total
    from refund_events
    group by order_id
),

order_breaches as (
    select
        'order' as grain,
        orders.order_id as breach_key,
        orders.revenue as gross_revenue,
        orders.refunded_revenue
    from orders
    left join refunds_sent
        on orders.order_id = refunds_sent.order_id
    where orders.refunded_revenue < 0
        or orders.refunded_revenue > orders.revenue
        or orders.refunded_revenue > coalesce(refunds_sent.refunds_total, 0)
        or orders.net_revenue != orders.revenue - orders.refunded_revenue
),

person_breaches as (
    select
        'person' as grain,
        person_id as breach_key,
        gross_revenue,
        refunded_revenue
    from persons
    where refunded_revenue < 0
        or refunded_revenue > gross_revenue
        or lifetime_revenue < 0
        or abs(lifetime_revenue - (gross_revenue - refunded_revenue)) > 0.005
),

final as (
    select * from order_breaches
    union all
    select * from person_breaches
)

select * from final
