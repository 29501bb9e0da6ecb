{#- One row per CRM account as the CRM held it at as_of: among the usable rows of the account
    (no quarantine reason) with updated_at <= as_of, the newest (ties: the larger mrr, as
    stg_raw__crm_accounts orders them). Staging keeps only the newest row of all time, whose
    plan, mrr, customer_since and churned_at may be later than as_of; a backfill reads this
    model instead. An account without a row updated by as_of is not known yet. -#}

with

crm_account_versions as (
    select * from {{ ref('base_raw__crm_accounts') }}
),

versions_until_as_of as (
    select * from crm_account_versions
    where quarantine_reason is null
        and updated_at <= {{ as_of() }}
),

ranked_versions as (
    select
        *,
        row_number() over (
            partition by account_id
            order by updated_at desc, mrr desc
        ) as recency_rank
    from versions_until_as_of
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
    from ranked_versions
    where recency_rank = 1
)

select * from final
