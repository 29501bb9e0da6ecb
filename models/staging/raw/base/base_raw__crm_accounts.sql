{#- Every raw CRM account row, typed, with its quarantine reason; older versions of an account
    (a newer updated_at exists) are flagged as duplicates. -#}

with

source as (
    select * from {{ source('raw', 'crm_accounts') }}
),

{{ number_raw_rows('source', [
    'account_id',
    'name',
    'domain',
    'industry',
    'employee_count',
    'country',
    'plan',
    'seat_limit',
    'monthly_usage_limit',
    'mrr',
    'created_at',
    'customer_since',
    'churned_at',
    'updated_at',
]) }},

typed as (
    select
        raw_row_id,

        -- ids
        {{ clean_text('account_id') }} as account_id,

        -- dimensions
        {{ clean_text('name') }} as account_name,
        {{ clean_lower_text('domain') }} as domain,
        {{ clean_lower_text('industry') }} as industry,
        cast(employee_count as {{ dbt.type_string() }}) as raw_employee_count,
        {{ parse_integer('employee_count') }} as employee_count,
        upper({{ clean_text('country') }}) as country,
        {{ clean_lower_text('plan') }} as plan,

        -- measures
        cast(seat_limit as {{ dbt.type_string() }}) as raw_seat_limit,
        {{ parse_integer('seat_limit') }} as seat_limit,
        cast(monthly_usage_limit as {{ dbt.type_string() }}) as raw_monthly_usage_limit,
        {{ parse_number('monthly_usage_limit') }} as monthly_usage_limit,
        cast(mrr as {{ dbt.type_string() }}) as raw_mrr,
        {{ parse_number('mrr') }} as mrr,

        -- timestamps
        cast(created_at as {{ dbt.type_string() }}) as raw_created_at,
        {{ parse_timestamp_utc('created_at') }} as created_at,
        cast(customer_since as {{ dbt.type_string() }}) as raw_customer_since,
        {{ parse_timestamp_utc('customer_since') }} as customer_since,
        cast(churned_at as {{ dbt.type_string() }}) as raw_churned_at,
        {{ parse_timestamp_utc('churned_at') }} as churned_at,
        cast(updated_at as {{ dbt.type_string() }}) as raw_updated_at,
        {{ parse_timestamp_utc('updated_at') }} as updated_at
    from numbered_rows
),

classified as (
    select
        *,
        account_id as record_id,
        case
            when account_id is null then 'missing_key'
            when updated_at is null
                or {{ is_unparseable('raw_created_at', 'created_at') }}
                or {{ is_unparseable('raw_customer_since', 'customer_since') }}
                or {{ is_unparseable('raw_churned_at', 'churned_at') }}
                then 'unparseable_timestamp'
            when {{ is_unparseable('raw_employee_count', 'employee_count') }}
                or {{ is_unparseable('raw_seat_limit', 'seat_limit') }}
                or {{ is_unparseable('raw_monthly_usage_limit', 'monthly_usage_limit') }}
                or {{ is_unparseable('raw_mrr', 'mrr') }}
                then 'unparseable_number'
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
            when 'unparseable_timestamp'
                then case
                        when updated_at is null then coalesce(raw_updated_at, 'null updated_at')
                        when {{ is_unparseable('raw_created_at', 'created_at') }} then raw_created_at
                        when {{ is_unparseable('raw_customer_since', 'customer_since') }} then raw_customer_since
                        else raw_churned_at
                    end
            when 'unparseable_number'
                then case
                        when {{ is_unparseable('raw_employee_count', 'employee_count') }} then raw_employee_count
                        when {{ is_unparseable('raw_seat_limit', 'seat_limit') }} then raw_seat_limit
                        when {{ is_unparseable('raw_monthly_usage_limit', 'monthly_usage_limit') }} then raw_monthly_usage_limit
                        else raw_mrr
                    end
            when 'unknown_plan' then plan
            when 'negative_amount' then raw_mrr
        end as quarantine_detail
    from classified
),

{{ flag_duplicates('explained', 'account_id', crm_newest_version_first('account')) }}

select * from final
