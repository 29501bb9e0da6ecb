{#- Every raw CRM account row, typed, with its quarantine reason; older versions of an account
    (a newer updated_at exists) are flagged as duplicates. -#}

{#- The columns whose unreadable value quarantines a row, by reason (macro
    unparseable_reasons). -#}
{%- set unparseable = {
    'unparseable_timestamp': {
        'required': ['updated_at'],
        'optional': ['created_at', 'customer_since', 'churned_at'],
    },
    'unparseable_number': {'optional': ['employee_count', 'seat_limit', 'monthly_usage_limit', 'mrr']},
} -%}

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
        {{ raw_and_parsed('employee_count', 'integer') }},
        upper({{ clean_text('country') }}) as country,
        {{ clean_lower_text('plan') }} as plan,

        -- measures
        {{ raw_and_parsed('seat_limit', 'integer') }},
        {{ raw_and_parsed('monthly_usage_limit', 'number') }},
        {{ raw_and_parsed('mrr', 'number') }},

        -- timestamps
        {{ raw_and_parsed('created_at', 'timestamp') }},
        {{ raw_and_parsed('customer_since', 'timestamp') }},
        {{ raw_and_parsed('churned_at', 'timestamp') }},
        {{ raw_and_parsed('updated_at', 'timestamp') }}
    from numbered_rows
),

classified as (
    select
        *,
        account_id as record_id,
        case
            when account_id is null then 'missing_key'
            {{ unparseable_reasons(unparseable) }}
            when plan is null or plan not in ('free', 'trial', 'starter', 'pro', 'enterprise')
                then 'unknown_plan'
            when mrr < 0 then 'negative_amount'
        end as quarantine_reason
    from typed
),

{{ explained_cte({
    'unknown_plan': 'plan',
    'negative_amount': 'raw_mrr',
}, unparseable=unparseable) }},

{{ flag_duplicates('explained', 'account_id', crm_newest_version_first('account')) }}

select * from final
