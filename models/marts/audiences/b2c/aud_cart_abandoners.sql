{#- Persons with a `Product Added` in the last `cart_abandon_window_days` days, no
    `Order Completed` after their latest add, and that latest add more than
    `cart_abandon_min_minutes` minutes before as_of, without a privacy opt-out; with the cart:
    the adds in the window after the person's last order. The rule and its choices are in
    aud_cart_abandoners.yml. -#}

with

{{ b2c_audience_import_ctes() }},

-- inlined: each reader filters the view's events its own way; stored, every event with every
-- column was copied first, more than half of this model's time alone at 10M events
events as {{ inline_cte() }} (
    select * from {{ ref('int_events_identified') }}
),

cart_adds as (
    select * from events
    where event_name = 'Product Added'
        and {{ in_last_days('occurred_at', var('cart_abandon_window_days')) }}
),

last_orders as (
    select
        person_id,
        max(occurred_at) as last_order_completed_at
    from events
    where event_name = 'Order Completed'
    group by person_id
),

-- an add at the same instant as an order went into that order
open_cart_adds as (
    select cart_adds.*
    from cart_adds
    left join last_orders
        on cart_adds.person_id = last_orders.person_id
    where last_orders.last_order_completed_at is null
        or cart_adds.occurred_at > last_orders.last_order_completed_at
),

carts as (
    select
        person_id,
        max(occurred_at) as last_cart_add_at,
        count(distinct product_id) as cart_items,
        sum(coalesce(quantity, 1)) as cart_quantity,
        coalesce(sum(price * coalesce(quantity, 1)), 0) as cart_value
    from open_cart_adds
    group by person_id
),

cart_products as (
    select distinct
        person_id,
        product_id
    from open_cart_adds
    where product_id is not null
),

cart_product_lists as (
    select
        person_id,
        {{ sorted_listagg('product_id', "','") }} as cart_product_ids
    from cart_products
    group by person_id
),

abandoned_carts as (
    select * from carts
    where last_cart_add_at < {{ dbt.dateadd('minute', -1 * var('cart_abandon_min_minutes'), as_of()) }}
),

members as (
    select
        persons.person_id,
        persons.is_emailable,
        persons.email,
        {{ person_send_time_columns('persons') }},
        abandoned_carts.last_cart_add_at,
        abandoned_carts.cart_items,
        abandoned_carts.cart_quantity,
        abandoned_carts.cart_value,
        cart_product_lists.cart_product_ids
    from abandoned_carts
    inner join persons
        on abandoned_carts.person_id = persons.person_id
    left join cart_product_lists
        on abandoned_carts.person_id = cart_product_lists.person_id
    where not persons.has_privacy_opt_out
),

catalog_entry as (
    select * from audience_catalog
    where audience_name = 'cart_abandoners'
),

final as (
    select
        {{ b2c_audience_person_columns() }},
        members.last_cart_add_at,
        cast(members.cart_items as {{ dbt.type_int() }}) as cart_items,
        cast(members.cart_quantity as {{ dbt.type_int() }}) as cart_quantity,
        cast(members.cart_value as double) as cart_value,
        members.cart_product_ids,
        {{ audience_catalog_columns() }}
    from members
    cross join catalog_entry
)

select * from final
