{#- aud_product_sharers must hold exactly the buyers of dim_persons without a privacy opt-out
    with at least `sharer_min_actions` shares and reviews together in the last `sharer_days`
    days (as_of - sharer_days days < occurred_at <= as_of), whatever the window: the shares and
    reviews are recounted here event by event from int_events_identified (the audience reads
    the hourly rollup int_person_hours_stitched), and the orders as the distinct orders
    (order_id, else the event) whose first `Order Completed` is the person's. Returns members
    breaking the recounted rule, members whose carried counts differ from the recount, and
    rule-satisfying persons left out. -#}

{%- set days = var('sharer_days') %}

with

persons as (
    select * from {{ ref('dim_persons') }}
),

events as (
    select * from {{ ref('int_events_identified') }}
),

audience as (
    select * from {{ ref('aud_product_sharers') }}
),

window_actions as (
    select
        person_id,
        count(case when event_name = 'Product Shared' then event_id end) as shares,
        count(case when event_name = 'Product Reviewed' then event_id end) as reviews
    from events
    where event_name in ('Product Shared', 'Product Reviewed')
        and occurred_at > {{ dbt.dateadd('day', -1 * days, as_of()) }}
        and occurred_at <= {{ as_of() }}
    group by person_id
),

order_events as (
    select
        person_id,
        occurred_at,
        coalesce(order_id, event_id) as order_key,
        min(occurred_at) over (partition by coalesce(order_id, event_id)) as order_first_occurred_at
    from events
    where event_name = 'Order Completed'
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
    select
        coalesce(audience.person_id, expected.person_id) as person_id,
        case
            when expected.person_id is null then 'member breaks the rule'
            when audience.person_id is null then 'rule-satisfying person missing'
            else 'carried facts differ from the recount'
        end as problem
    from audience
    full outer join expected
        on audience.person_id = expected.person_id
    where audience.person_id is null
        or expected.person_id is null
        or audience.shares_in_window is distinct from expected.shares
        or audience.reviews_in_window is distinct from expected.reviews
        or audience.orders_count is distinct from expected.orders
)

select * from final
