{#- Every raw privacy request row, typed, with its quarantine reason. -#}

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
        cast(requested_at as {{ dbt.type_string() }}) as raw_requested_at,
        {{ parse_timestamp_utc('requested_at') }} as requested_at
    from numbered_rows
),

classified as (
    select
        *,
        request_id as record_id,
        case
            when request_id is null then 'missing_key'
            when user_id is null and email is null then 'missing_identity'
            when requested_at is null then 'unparseable_timestamp'
            when request_type is null or request_type not in ('delete', 'opt_out')
                then 'unknown_request_type'
        end as quarantine_reason
    from typed
),

explained as (
    select
        *,
        case quarantine_reason
            when 'unparseable_timestamp' then coalesce(raw_requested_at, 'null requested_at')
            when 'unknown_request_type' then request_type
        end as quarantine_detail
    from classified
),

{{ flag_duplicates('explained', 'request_id', 'requested_at') }}

select * from final
