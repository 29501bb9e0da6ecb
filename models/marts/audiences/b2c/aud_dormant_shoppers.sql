{#- Buyers whose last order is more than `dormant_min_days` and at most `dormant_max_days` days
    before as_of (as_of - max days <= last_order_at < as_of - min days), without a privacy
    opt-out; with their favorite purchased category and the category they bought last. The
    rule and its choices are in aud_dormant_shoppers.yml. -#}

with

{{ b2c_audience_import_ctes() }},

orders as (
    select * from {{ ref('int_orders_enriched') }}
),

order_items as (
    select * from {{ ref('stg_raw__order_items') }}
),

members as (
    select * from persons
    where not has_privacy_opt_out
        and orders_count >= 1
        and last_order_at >= {{ dbt.dateadd('day', -1 * var('dormant_max_days'), as_of()) }}
        and last_order_at < {{ dbt.dateadd('day', -1 * var('dormant_min_days'), as_of()) }}
),

purchased_categories as (
    select
        orders.person_id,
        order_items.category,
        max(orders.ordered_at) as last_ordered_at
    from orders
    inner join order_items
        on orders.event_id = order_items.event_id
    where order_items.category is not null
    group by orders.person_id, order_items.category
),

-- the category of the latest order; of several in it (or in orders at the same instant), the first by name
ranked_purchased_categories as (
    select
        person_id,
        category,
        row_number() over (
            partition by person_id
            order by last_ordered_at desc, category asc
        ) as category_rank
    from purchased_categories
),

last_purchased_categories as (
    select
        person_id,
        category as last_category_purchased
    from ranked_purchased_categories
    where category_rank = 1
),

catalog_entry as (
    select * from audience_catalog
    where audience_name = 'dormant_shoppers'
),

final as (
    select
        {{ b2c_audience_person_columns() }},
        members.orders_count,
        members.last_order_at,
        cast(
            {{ days_between('members.last_order_at', as_of()) }} as {{ dbt.type_int() }}
        ) as days_since_last_order,
        members.favorite_category_purchased,
        last_purchased_categories.last_category_purchased,
        {{ audience_catalog_columns() }}
    from members
    left join last_purchased_categories
        on members.person_id = last_purchased_categories.person_id
    cross join catalog_entry
)

select * from final
