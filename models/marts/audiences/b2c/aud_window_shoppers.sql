{#- Persons with at least `window_shopper_min_views` product views in the last
    `window_shopper_days` (30) days, no order in that window and at least one email open or
    click in it, without a privacy opt-out (window facts: int_person_windows_aggregated). The
    rule and its choices are in aud_window_shoppers.yml. -#}

with

{{ b2c_audience_import_ctes(with_person_windows=true) }},

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
        {{ audience_catalog_columns() }}
    from members
    cross join catalog_entry
)

select * from final
