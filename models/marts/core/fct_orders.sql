{#- One row per completed order up to as_of of a person in dim_persons: when, what it brought
    (revenue, refunds, net), and whether it was deal-seeking. The orders' fact for BI and the
    semantic layer (orders, revenue and buyers by week and by the person's segment). -#}

with

orders as (
    select * from {{ ref('int_orders_enriched') }}
),

persons as (
    select * from {{ ref('dim_persons') }}
),

final as (
    select
        orders.order_id,
        orders.person_id,
        orders.ordered_at,
        orders.ordered_date,
        cast(orders.revenue as double) as revenue,
        cast(orders.refunded_revenue as double) as refunded_revenue,
        cast(orders.net_revenue as double) as net_revenue,
        orders.has_coupon,
        orders.is_deal_seeking
    from orders
    inner join persons
        on orders.person_id = persons.person_id
)

select * from final
