{#- Every raw subscription row, typed, with its quarantine reason. A subscription_id seen twice
    keeps its latest state (the row that ended, or started, last). -#}

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
        cast(mrr as {{ dbt.type_string() }}) as raw_mrr,
        {{ parse_number('mrr') }} as mrr,

        -- timestamps
        cast(started_at as {{ dbt.type_string() }}) as raw_started_at,
        {{ parse_timestamp_utc('started_at') }} as started_at,
        cast(trial_ends_at as {{ dbt.type_string() }}) as raw_trial_ends_at,
        {{ parse_timestamp_utc('trial_ends_at') }} as trial_ends_at,
        cast(ended_at as {{ dbt.type_string() }}) as raw_ended_at,
        {{ parse_timestamp_utc('ended_at') }} as ended_at
    from numbered_rows
),

classified as (
    select
        *,
        subscription_id as record_id,
        case
            when subscription_id is null then 'missing_key'
            when account_id is null and user_id is null then 'missing_identity'
            when started_at is null
                or {{ is_unparseable('raw_trial_ends_at', 'trial_ends_at') }}
                or {{ is_unparseable('raw_ended_at', 'ended_at') }}
                then 'unparseable_timestamp'
            when {{ is_unparseable('raw_mrr', 'mrr') }} then 'unparseable_number'
            when status is null or status not in ('trialing', 'active', 'past_due', 'canceled')
                then 'unknown_status'
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
                        when started_at is null then coalesce(raw_started_at, 'null started_at')
                        when {{ is_unparseable('raw_trial_ends_at', 'trial_ends_at') }} then raw_trial_ends_at
                        else raw_ended_at
                    end
            when 'unparseable_number' then raw_mrr
            when 'unknown_status' then status
            when 'negative_amount' then raw_mrr
        end as quarantine_detail
    from classified
),

{{ flag_duplicates('explained', 'subscription_id', 'ended_at desc nulls last, started_at desc, status asc') }}

select * from final
