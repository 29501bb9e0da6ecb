with

base_product_usage_daily as (
    select * from {{ ref('base_raw__product_usage_daily') }}
),

final as (
    select
        -- ids
        {{ dbt.concat(['account_id', "'|'", dbt.safe_cast('usage_date', dbt.type_string())]) }} as account_usage_day_id,
        account_id,

        -- dates
        usage_date,

        -- measures
        usage_units
    from base_product_usage_daily
    where quarantine_reason is null and not is_duplicate
)

select * from final
