{#- Buyers whose last order is more than `dormant_min_days` and at most `dormant_max_days` days
    before as_of (as_of - max days <= last_order_at < as_of - min days), without a privacy
    opt-out. The rule and its choices are in aud_dormant_shoppers.yml. -#}

with

{{ b2c_audience_import_ctes() }},

members as (
    select * from persons
    where not has_privacy_opt_out
        and orders_count >= 1
        and last_order_at >= {{ dbt.dateadd('day', -1 * var('dormant_max_days'), as_of()) }}
        and last_order_at < {{ dbt.dateadd('day', -1 * var('dormant_min_days'), as_of()) }}
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
        {{ audience_catalog_columns() }}
    from members
    cross join catalog_entry
)

select * from final
