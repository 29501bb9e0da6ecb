{#- Persons with at least `window_shopper_min_views` product views in the last
    `window_shopper_days` (30) days, no order in that window and at least one email open or
    click in it, without a privacy opt-out (window facts: int_person_windows_aggregated); with
    the products and categories they viewed in that window, newest first. The rule and its
    choices are in aud_window_shoppers.yml. -#}

with

{{ b2c_audience_import_ctes(with_person_windows=true) }},

events as (
    select * from {{ ref('int_events_identified') }}
),

window_facts as (
    {{ with_window_counts({
        'window_shopper_product_views': 'product_views_in_window',
        'window_shopper_orders': 'orders_in_window',
        'window_shopper_email_opens': 'email_opens_in_window',
        'window_shopper_email_clicks': 'email_clicks_in_window',
    }, entities='persons', windows='windows', key='person_id') }}
),

members as (
    select * from window_facts
    where not has_privacy_opt_out
        and product_views_in_window >= {{ var('window_shopper_min_views') }}
        and orders_in_window = 0
        and email_opens_in_window + email_clicks_in_window >= 1
),

window_views as (
    select
        person_id,
        product_id,
        category,
        occurred_at
    from events
    where event_name = 'Product Viewed'
        and {{ in_last_days('occurred_at', var('window_shopper_days')) }}
),

{{ newest_first_list('recently_viewed_product_ids', 'window_views', 'person_id', 'product_id', 'occurred_at') }},

{{ newest_first_list('recently_viewed_categories', 'window_views', 'person_id', 'category', 'occurred_at') }},

catalog_entry as (
    select * from audience_catalog
    where audience_name = 'window_shoppers'
),

final as (
    select
        {{ b2c_audience_person_columns() }},
        cast(members.product_views_in_window as {{ dbt.type_int() }}) as product_views_in_window,
        cast(members.orders_in_window as {{ dbt.type_int() }}) as orders_in_window,
        cast(members.email_opens_in_window as {{ dbt.type_int() }}) as email_opens_in_window,
        cast(members.email_clicks_in_window as {{ dbt.type_int() }}) as email_clicks_in_window,
        recently_viewed_product_ids.recently_viewed_product_ids,
        recently_viewed_categories.recently_viewed_categories,
        {{ audience_catalog_columns() }}
    from members
    left join recently_viewed_product_ids
        on members.person_id = recently_viewed_product_ids.person_id
    left join recently_viewed_categories
        on members.person_id = recently_viewed_categories.person_id
    cross join catalog_entry
)

select * from final
