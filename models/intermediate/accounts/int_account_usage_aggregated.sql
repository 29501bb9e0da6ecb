{#- Per B2B account, the metered usage of the calendar month of as_of up to as_of's day. -#}

with

usage_daily as (
    select * from {{ ref('stg_raw__product_usage_daily') }}
),

final as (
    select
        account_id,
        sum(usage_units) as usage_this_month
    from usage_daily
    where usage_date >= cast({{ dbt.date_trunc('month', as_of()) }} as date)
        and usage_date <= cast({{ as_of() }} as date)
    group by account_id
)

select * from final
