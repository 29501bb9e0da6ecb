with

base_crm_accounts as (
    select * from {{ ref('base_raw__crm_accounts') }}
),

final as (
    select
        -- ids
        account_id,

        -- dimensions
        account_name,
        domain,
        industry,
        employee_count,
        country,
        plan,

        -- measures
        seat_limit,
        monthly_usage_limit,
        mrr,

        -- timestamps (UTC)
        created_at,
        customer_since,
        churned_at,
        updated_at
    from base_crm_accounts
    where quarantine_reason is null and not is_duplicate
)

select * from final
