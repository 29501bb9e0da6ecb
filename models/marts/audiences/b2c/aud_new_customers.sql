{#- Persons who signed up in the last `new_customer_days` days and never completed an order,
    without a privacy opt-out. The rule and its choices are in aud_new_customers.yml. -#}

with

{{ b2c_audience_import_ctes() }},

members as (
    select * from persons
    where not has_privacy_opt_out
        and {{ in_last_days('signed_up_at', var('new_customer_days')) }}
        and orders_count = 0
),

catalog_entry as (
    select * from audience_catalog
    where audience_name = 'new_customers'
),

final as (
    select
        {{ b2c_audience_person_columns() }},
        members.signed_up_at,
        members.orders_count,
        {{ audience_catalog_columns() }}
    from members
    cross join catalog_entry
)

select * from final
