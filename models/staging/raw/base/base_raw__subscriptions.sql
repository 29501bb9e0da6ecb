{#- Every raw subscription row, typed, with its quarantine reason. A subscription_id seen twice
    keeps its latest state (the row that ended, or started, last). -#}

{#- The columns whose unreadable value quarantines a row, by reason (macro
    unparseable_reasons). -#}
{%- set unparseable = {
    'unparseable_timestamp': {'required': ['started_at'], 'optional': ['trial_ends_at', 'ended_at']},
    'unparseable_number': {'optional': ['mrr']},
} -%}

with

source as (
    select * from {{ source('raw', 'subscriptions') }}
),

{{ number_raw_rows('source', [
    'subscription_id',
    'account_id',
    'user_id',
    'plan',
    'status',
    'started_at',
    'trial_ends_at',
    'ended_at',
    'mrr',
]) }},

typed as (
    select
        raw_row_id,

        -- ids
        {{ clean_text('subscription_id') }} as subscription_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('user_id') }} as user_id,

        -- dimensions
        {{ clean_lower_text('plan') }} as plan,
        {{ clean_lower_text('status') }} as status,

        -- measures
        {{ raw_and_parsed('mrr', 'number') }},

        -- timestamps
        {{ raw_and_parsed('started_at', 'timestamp') }},
        {{ raw_and_parsed('trial_ends_at', 'timestamp') }},
        {{ raw_and_parsed('ended_at', 'timestamp') }}
    from numbered_rows
),

classified as (
    select
        *,
        subscription_id as record_id,
        case
            when subscription_id is null then 'missing_key'
            when account_id is null and user_id is null then 'missing_identity'
            {{ unparseable_reasons(unparseable) }}
            when status is null or status not in ('trialing', 'active', 'past_due', 'canceled')
                then 'unknown_status'
            when mrr < 0 then 'negative_amount'
        end as quarantine_reason
    from typed
),

{{ explained_cte({
    'unknown_status': 'status',
    'negative_amount': 'raw_mrr',
}, unparseable=unparseable) }},

{{ flag_duplicates('explained', 'subscription_id', 'ended_at desc nulls last, started_at desc, status asc') }}

select * from final
