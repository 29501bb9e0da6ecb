{{ config(materialized='table') }}

{#- One row per order up to as_of: the earliest `Order Completed` of each order_id (an event
    without order_id is its own order), with its person, revenue, and whether it was
    deal-seeking (a coupon, or a promotion click of the person shortly before). -#}

with

events as (
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
            order by occurred_at, event_id
        ) as order_event_rank
    from events
    where event_name = 'Order Completed'
),

orders as (
    select * from order_events
    where order_event_rank = 1
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

final as (
    select
        orders.order_id,
        orders.event_id,
        orders.person_id,
        orders.ordered_at,
        cast(orders.ordered_at as date) as ordered_date,
        orders.revenue,
        orders.has_coupon,
        orders_after_promotion_click.order_id is not null as is_after_promotion_click,
        orders.has_coupon or orders_after_promotion_click.order_id is not null as is_deal_seeking
    from orders
    left join orders_after_promotion_click
        on orders.order_id = orders_after_promotion_click.order_id
)

select * from final
