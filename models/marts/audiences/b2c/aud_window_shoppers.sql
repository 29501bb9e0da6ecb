{#- Persons with at least `window_shopper_min_views` product views in the last
    `window_shopper_days` (30) days, no order in that window and at least one email open or
    click in it, without a privacy opt-out. The rule and its choices are in aud_window_shoppers.yml. -#}

with

persons as (
    select * from {{ ref('dim_persons') }}
),

signals as (
    select * from {{ ref('int_person_hours_stitched') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
),

email_events as (
    select * from {{ ref('int_email_events_identified') }}
),

audience_catalog as (
    select * from {{ ref('audience_catalog') }}
),

window_views as (
    select
        person_id,
        sum(event_count) as product_views_in_window
    from signals
    where event_name = 'Product Viewed'
        and {{ in_last_days('last_occurred_at', var('window_shopper_days')) }}
    group by person_id
),

window_orders as (
    select
        person_id,
        count(*) as orders_in_window
    from orders
    where {{ in_last_days('ordered_at', var('window_shopper_days')) }}
    group by person_id
),

window_email_engagement as (
    select
        person_id,
        sum(case when event_type = 'opened' then 1 else 0 end) as email_opens_in_window,
        sum(case when event_type = 'clicked' then 1 else 0 end) as email_clicks_in_window
    from email_events
    where person_id is not null
        and {{ in_last_days('occurred_at', var('window_shopper_days')) }}
    group by person_id
),

window_facts as (
    select
        persons.*,
        coalesce(window_views.product_views_in_window, 0) as product_views_in_window,
        coalesce(window_orders.orders_in_window, 0) as orders_in_window,
        coalesce(window_email_engagement.email_opens_in_window, 0) as email_opens_in_window,
        coalesce(window_email_engagement.email_clicks_in_window, 0) as email_clicks_in_window
    from persons
    left join window_views
        on persons.person_id = window_views.person_id
    left join window_orders
        on persons.person_id = window_orders.person_id
    left join window_email_engagement
        on persons.person_id = window_email_engagement.person_id
),

members as (
    select * from window_facts
    where not has_privacy_opt_out
        and product_views_in_window >= {{ var('window_shopper_min_views') }}
        and orders_in_window = 0
        and email_opens_in_window + email_clicks_in_window >= 1
),

catalog_entry as (
    select * from audience_catalog
    where audience_name = 'window_shoppers'
),

final as (
    select
        members.person_id,
        members.is_emailable,
        case when members.is_emailable then members.email end as email,
        cast(members.product_views_in_window as {{ dbt.type_int() }}) as product_views_in_window,
        cast(members.orders_in_window as {{ dbt.type_int() }}) as orders_in_window,
        cast(members.email_opens_in_window as {{ dbt.type_int() }}) as email_opens_in_window,
        cast(members.email_clicks_in_window as {{ dbt.type_int() }}) as email_clicks_in_window,
        {{ audience_catalog_columns() }}
    from members
    cross join catalog_entry
)

select * from final
