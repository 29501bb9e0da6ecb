{#- aud_window_shoppers must hold exactly the persons of dim_persons without a privacy opt-out
    with at least `window_shopper_min_views` product views, no order and an email open or click
    in the last `window_shopper_days` days (as_of - window_shopper_days days < t <= as_of),
    whatever the window: the views are recounted here event by event from int_events_identified
    (the audience reads int_person_windows_aggregated), the orders as the distinct
    orders (order_id, else the event) whose first `Order Completed` is the person's and lies in
    the window (not from int_orders_enriched), and the opens and clicks as distinct email events
    of int_email_events_identified. Returns members breaking the recounted rule, members whose
    carried counts differ from the recount, and rule-satisfying persons left out. -#}

{%- set days = var('window_shopper_days') %}

with

{{ recount_import_ctes({
    'persons': 'dim_persons',
    'events': 'int_events_identified',
    'email_events': 'int_email_events_identified',
    'audience': 'aud_window_shoppers',
}) }},

window_views as (
    {{- recount_events('person_id', days, [('product_views', 'Product Viewed')]) }}
),

order_events as (
    {{- recount_order_events() }}
),

window_orders as (
    select
        person_id,
        count(distinct order_key) as orders
    from order_events
    where occurred_at = order_first_occurred_at
        and {{ recount_window('occurred_at', days) }}
    group by person_id
),

window_email_engagement as (
    select
        person_id,
        count(distinct case when event_type = 'opened' then email_event_id end) as email_opens,
        count(distinct case when event_type = 'clicked' then email_event_id end) as email_clicks
    from email_events
    where person_id is not null
        and event_type in ('opened', 'clicked')
        and {{ recount_window('occurred_at', days) }}
    group by person_id
),

recounted as (
    select
        persons.person_id,
        persons.has_privacy_opt_out,
        coalesce(window_views.product_views, 0) as product_views,
        coalesce(window_orders.orders, 0) as orders,
        coalesce(window_email_engagement.email_opens, 0) as email_opens,
        coalesce(window_email_engagement.email_clicks, 0) as email_clicks
    from persons
    left join window_views
        on persons.person_id = window_views.person_id
    left join window_orders
        on persons.person_id = window_orders.person_id
    left join window_email_engagement
        on persons.person_id = window_email_engagement.person_id
),

expected as (
    select * from recounted
    where has_privacy_opt_out = false
        and product_views >= {{ var('window_shopper_min_views') }}
        and orders = 0
        and email_opens + email_clicks >= 1
),

final as (
    {{- recount_problems('person_id', 'person', [
        ('product_views_in_window', 'product_views'),
        ('orders_in_window', 'orders'),
        ('email_opens_in_window', 'email_opens'),
        ('email_clicks_in_window', 'email_clicks'),
    ]) }}
)

select * from final
