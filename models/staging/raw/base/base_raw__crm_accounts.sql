{#- Every raw CRM account row, typed, with its quarantine reason; older versions of an account
    (a newer updated_at exists) are flagged as duplicates. -#}

with

source as (
    select * from {{ source('raw', 'crm_accounts') }}
),

typed as (
    select
        -- ids
        {{ clean_text('account_id') }} as account_id,

        -- dimensions
        {{ clean_text('name') }} as account_name,
        {{ clean_lower_text('domain') }} as domain,
        {{ clean_lower_text('industry') }} as industry,
        {{ dbt.safe_cast(clean_text('employee_count'), dbt.type_int()) }} as employee_count,
        upper({{ clean_text('country') }}) as country,
        {{ clean_lower_text('plan') }} as plan,

        -- measures
        {{ dbt.safe_cast(clean_text('seat_limit'), dbt.type_int()) }} as seat_limit,
        {{ dbt.safe_cast(clean_text('monthly_usage_limit'), dbt.type_numeric()) }} as monthly_usage_limit,
        {{ dbt.safe_cast(clean_text('mrr'), dbt.type_numeric()) }} as mrr,

        -- timestamps
        {{ parse_timestamp_utc('created_at') }} as created_at,
        {{ parse_timestamp_utc('customer_since') }} as customer_since,
        {{ parse_timestamp_utc('churned_at') }} as churned_at,
        cast(updated_at as {{ dbt.type_string() }}) as raw_updated_at,
        {{ parse_timestamp_utc('updated_at') }} as updated_at
    from source
),

classified as (
    select
        *,
        account_id as record_id,
        case
            when account_id is null then 'missing_key'
            when updated_at is null then 'unparseable_timestamp'
            when plan is null or plan not in ('free', 'trial', 'starter', 'pro', 'enterprise')
                then 'unknown_plan'
            when mrr < 0 then 'negative_amount'
        end as quarantine_reason
    from typed
),

explained as (
    select
        *,
        case quarantine_reason
            when 'unparseable_timestamp' then coalesce(raw_updated_at, 'null updated_at')
            when 'unknown_plan' then plan
            when 'negative_amount' then cast(mrr as {{ dbt.type_string() }})
        end as quarantine_detail
    from classified
),

{{ flag_duplicates('explained', 'account_id', 'updated_at desc, mrr desc') }}

select * from final
