{{ config(materialized='table') }}

{#- One row per order up to as_of: the earliest `Order Completed` of each order_id (ties on
    occurred_at go to the earliest received, then the smallest event_id; an event without
    order_id is its own order), with its person, revenue, whether it was deal-seeking (a
    coupon, or a promotion click of the person shortly before), and its refunds up to as_of:
    every `Order Refunded` naming the order_id counts once per event_id, whoever sent it,
    summed and capped at the order's revenue. A refund naming no order of this table is
    ignored. -#}

with

-- inlined: each reader filters the view's events its own way; stored, every event with every
-- column was copied first, more than half of this model's time alone at 10M events
events as {{ inline_cte() }} (
    select * from {{ ref('int_events_identified') }}
),

order_events as (
    select
        event_id,
        person_id,
        coalesce(order_id, event_id) as order_id,
        occurred_at as ordered_at,
        coalesce(revenue, 0) as revenue,
        coupon is not null as has_coupon,
        row_number() over (
            partition by coalesce(order_id, event_id)
            order by occurred_at, received_at, event_id
        ) as order_event_rank
    from events
    where event_name = 'Order Completed'
        and occurred_at <= {{ as_of() }}
),

orders as (
    select * from order_events
    where order_event_rank = 1
),

refund_events as (
    select
        event_id,
        order_id,
        coalesce(revenue, 0) as refund_revenue,
        row_number() over (partition by event_id order by received_at) as event_copy_rank
    from events
    where event_name = 'Order Refunded'
        and order_id is not null
        and occurred_at <= {{ as_of() }}
),

refunds_per_order as (
    select
        order_id,
        count(*) as refunds_count,
        sum(refund_revenue) as refunds_total
    from refund_events
    where event_copy_rank = 1
    group by order_id
),

promotion_clicks as (
    select
        person_id,
        occurred_at as clicked_at
    from events
    where event_name = 'Promotion Clicked'
),

orders_after_promotion_click as (
    select distinct orders.order_id
    from orders
    inner join promotion_clicks
        on orders.person_id = promotion_clicks.person_id
            and orders.ordered_at >= promotion_clicks.clicked_at
            and promotion_clicks.clicked_at
            >= {{ dbt.dateadd('hour', -1 * var('deal_promotion_window_hours'), 'orders.ordered_at') }}
),

orders_with_refunds as (
    select
        orders.*,
        coalesce(refunds_per_order.refunds_count, 0) as refunds_count,
        case
            when coalesce(refunds_per_order.refunds_total, 0) > orders.revenue then orders.revenue
            else coalesce(refunds_per_order.refunds_total, 0)
        end as refunded_revenue
    from orders
    left join refunds_per_order
        on orders.order_id = refunds_per_order.order_id
),

final as (
    select
        orders_with_refunds.order_id,
        orders_with_refunds.event_id,
        orders_with_refunds.person_id,
        orders_with_refunds.ordered_at,
        cast(orders_with_refunds.ordered_at as date) as ordered_date,
        orders_with_refunds.revenue,
        orders_with_refunds.refunds_count,
        orders_with_refunds.refunded_revenue,
        orders_with_refunds.revenue - orders_with_refunds.refunded_revenue as net_revenue,
        orders_with_refunds.has_coupon,
        orders_after_promotion_click.order_id is not null as is_after_promotion_click,
        orders_with_refunds.has_coupon
        or orders_after_promotion_click.order_id is not null as is_deal_seeking
    from orders_with_refunds
    left join orders_after_promotion_click
        on orders_with_refunds.order_id = orders_after_promotion_click.order_id
)

select * from final
