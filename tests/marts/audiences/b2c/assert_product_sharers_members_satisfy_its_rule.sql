{#- aud_product_sharers must hold exactly the buyers of dim_persons without a privacy opt-out
    with at least `sharer_min_actions` shares and reviews together in the last `sharer_days`
    days (as_of - sharer_days days < occurred_at <= as_of), whatever the window: the shares and
    reviews are recounted here event by event from int_events_identified (the audience reads
    int_person_windows_aggregated, counted from the hourly rollup), and the orders as the distinct orders
    (order_id, else the event) whose first `Order Completed` is the person's. Returns members
    breaking the recounted rule, members whose carried counts differ from the recount, and
    rule-satisfying persons left out. -#}

{%- set days = var('sharer_days') %}

with

{{ recount_import_ctes({
    'persons': 'dim_persons',
    'events': 'int_events_identified',
    'audience': 'aud_product_sharers',
}) }},

window_actions as (
    {{- recount_events('person_id', days, [('shares', 'Product Shared'), ('reviews', 'Product Reviewed')]) }}
),

order_events as (
    {{- recount_order_events() }}
),

person_orders as (
    select
        person_id,
        count(distinct order_key) as orders
    from order_events
    where occurred_at = order_first_occurred_at
    group by person_id
),

recounted as (
    select
        persons.person_id,
        persons.has_privacy_opt_out,
        coalesce(window_actions.shares, 0) as shares,
        coalesce(window_actions.reviews, 0) as reviews,
        coalesce(person_orders.orders, 0) as orders
    from persons
    left join window_actions
        on persons.person_id = window_actions.person_id
    left join person_orders
        on persons.person_id = person_orders.person_id
),

expected as (
    select * from recounted
    where has_privacy_opt_out = false
        and orders >= 1
        and shares + reviews >= {{ var('sharer_min_actions') }}
),

final as (
    {{- recount_problems('person_id', 'person', [
        ('shares_in_window', 'shares'),
        ('reviews_in_window', 'reviews'),
        ('orders_count', 'orders'),
    ]) }}
)

select * from final
