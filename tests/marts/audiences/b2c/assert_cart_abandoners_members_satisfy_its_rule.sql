{#- aud_cart_abandoners must hold exactly the persons of dim_persons without a privacy opt-out
    whose latest `Product Added` in the last `cart_abandon_window_days` days has no
    `Order Completed` of theirs at or after it and is more than `cart_abandon_min_minutes`
    minutes old, with the cart re-computed as the window's adds with no order at or after them:
    returns members breaking the rule (or with another cart) and rule-satisfying persons left
    out. -#}

with

{{ recount_import_ctes({
    'persons': 'dim_persons',
    'events': 'int_events_identified',
    'audience': 'aud_cart_abandoners',
}) }},

adds_in_window as (
    select
        event_id,
        person_id,
        occurred_at,
        product_id,
        price,
        quantity
    from events
    where event_name = 'Product Added'
        and occurred_at > {{ dbt.dateadd('day', -1 * var('cart_abandon_window_days'), as_of()) }}
        and occurred_at <= {{ as_of() }}
),

orders as (
    select
        person_id,
        occurred_at
    from events
    where event_name = 'Order Completed'
),

-- adds with no order of the person at or after them
unordered_adds as (
    select adds_in_window.*
    from adds_in_window
    left join orders
        on adds_in_window.person_id = orders.person_id
            and adds_in_window.occurred_at <= orders.occurred_at
    where orders.person_id is null
),

latest_adds as (
    select
        person_id,
        max(occurred_at) as latest_add_at
    from adds_in_window
    group by person_id
),

unordered_carts as (
    select
        person_id,
        max(occurred_at) as last_unordered_add_at,
        sum(coalesce(price, 0) * coalesce(quantity, 1)) as expected_cart_value
    from unordered_adds
    group by person_id
),

expected as (
    select
        latest_adds.person_id,
        unordered_carts.expected_cart_value
    from latest_adds
    inner join unordered_carts
        on latest_adds.person_id = unordered_carts.person_id
            and latest_adds.latest_add_at = unordered_carts.last_unordered_add_at
    inner join persons
        on latest_adds.person_id = persons.person_id
    where persons.has_privacy_opt_out = false
        and latest_adds.latest_add_at < {{ dbt.dateadd('minute', -1 * var('cart_abandon_min_minutes'), as_of()) }}
),

final as (
    {{- recount_problems(
        'person_id', 'person',
        differ_problem='wrong cart_value',
        conditions=['abs(audience.cart_value - expected.expected_cart_value) > 0.005'],
    ) }}
)

select * from final
