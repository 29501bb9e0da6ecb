{#- Every raw privacy request row, typed, with its quarantine reason. -#}

{#- The columns whose unreadable value quarantines a row, by reason (macro
    unparseable_reasons). -#}
{%- set unparseable = {
    'unparseable_timestamp': {'required': ['requested_at']},
} -%}

with

source as (
    select * from {{ source('raw', 'privacy_requests') }}
),

{{ number_raw_rows('source', [
    'request_id',
    'user_id',
    'email',
    'request_type',
    'requested_at',
]) }},

typed as (
    select
        raw_row_id,

        -- ids
        {{ clean_text('request_id') }} as request_id,
        {{ clean_text('user_id') }} as user_id,
        {{ clean_lower_text('email') }} as email,

        -- dimensions
        {{ clean_lower_text('request_type') }} as request_type,

        -- timestamps
        {{ raw_and_parsed('requested_at', 'timestamp') }}
    from numbered_rows
),

classified as (
    select
        *,
        request_id as record_id,
        case
            when request_id is null then 'missing_key'
            when user_id is null and email is null then 'missing_identity'
            {{ unparseable_reasons(unparseable) }}
            when request_type is null or request_type not in ('delete', 'opt_out')
                then 'unknown_request_type'
        end as quarantine_reason
    from typed
),

{{ explained_cte({'unknown_request_type': 'request_type'}, unparseable=unparseable) }},

{{ flag_duplicates('explained', 'request_id', 'requested_at') }}

select * from final
