{#- Buyers (at least one order ever) with at least `sharer_min_actions` `Product Shared` or
    `Product Reviewed` events in the last `sharer_days` (90) days, without a privacy opt-out.
    Window facts: int_person_windows_aggregated. Carries the products of their latest
    completed orders, newest first, to ask a review of. The rule and its choices are in
    aud_product_sharers.yml. -#}

with

{{ b2c_audience_import_ctes(with_person_windows=true) }},

orders as (
    select * from {{ ref('int_orders_enriched') }}
),

order_items as (
    select * from {{ ref('stg_raw__order_items') }}
),

window_facts as (
    {{ with_window_counts({
        'sharer_shares': 'shares_in_window',
        'sharer_reviews': 'reviews_in_window',
    }, entities='persons', windows='windows', key='person_id') }}
),

members as (
    select * from window_facts
    where not has_privacy_opt_out
        and shares_in_window + reviews_in_window >= {{ var('sharer_min_actions') }}
        and orders_count >= 1
),

purchased_products as (
    select
        orders.person_id,
        order_items.product_id,
        orders.ordered_at
    from orders
    inner join order_items
        on orders.event_id = order_items.event_id
),

{{ newest_first_list('recently_purchased_product_ids', 'purchased_products', 'person_id', 'product_id', 'ordered_at') }},

catalog_entry as (
    select * from audience_catalog
    where audience_name = 'product_sharers'
),

final as (
    select
        {{ b2c_audience_person_columns() }},
        cast(members.shares_in_window as {{ dbt.type_int() }}) as shares_in_window,
        cast(members.reviews_in_window as {{ dbt.type_int() }}) as reviews_in_window,
        members.orders_count,
        recently_purchased_product_ids.recently_purchased_product_ids,
        {{ audience_catalog_columns() }}
    from members
    left join recently_purchased_product_ids
        on members.person_id = recently_purchased_product_ids.person_id
    cross join catalog_entry
)

select * from final
