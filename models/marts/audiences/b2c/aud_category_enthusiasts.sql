{#- Persons with at least `category_enthusiast_min_orders` orders and at least
    `category_enthusiast_min_share` of their purchased quantity in their favorite category,
    which the table carries, without a privacy opt-out, and without an order in the last
    `category_enthusiast_exclude_recent_buyer_days` days (a category campaign should not hit a
    person who just bought). The rule and its choices are in aud_category_enthusiasts.yml. -#}

with

{{ b2c_audience_import_ctes() }},

members as (
    select * from persons
    where not has_privacy_opt_out
        and orders_count >= {{ var('category_enthusiast_min_orders') }}
        and favorite_category_quantity_share >= {{ var('category_enthusiast_min_share') }}
        and not {{ in_last_days('last_order_at', var('category_enthusiast_exclude_recent_buyer_days')) }}
),

catalog_entry as (
    select * from audience_catalog
    where audience_name = 'category_enthusiasts'
),

final as (
    select
        {{ b2c_audience_person_columns() }},
        members.orders_count,
        members.favorite_category_purchased as enthusiast_category,
        members.favorite_category_quantity_share,
        members.last_order_at,
        {{ audience_catalog_columns() }}
    from members
    cross join catalog_entry
)

select * from final
