{{ config(materialized='table') }}

{#- Every raw identify row, typed, with its quarantine reason and redelivery flag. An identify
    has no message id: a row repeating user, anonymous id, time and traits is a redelivery.
    A table: about twenty nodes read it (stg_raw__identifies and its readers, the quarantine
    and duplicate accounts, their tests), and as a view each of them hashed, numbered and
    ranked every raw identify again. -#}

with

source as (
    select * from {{ source('raw', 'identifies') }}
),

{{ number_raw_rows('source', [
    'anonymous_id',
    'user_id',
    'occurred_at',
    'received_at',
    'traits',
]) }},

typed as (
    select
        raw_row_id,

        -- ids
        {{ clean_text('anonymous_id') }} as anonymous_id,
        {{ clean_text('user_id') }} as user_id,

        -- timestamps
        {{ raw_and_parsed('occurred_at', 'timestamp') }},
        {{ parse_timestamp_utc('received_at') }} as received_at,

        -- payload
        cast(traits as {{ dbt.type_string() }}) as raw_traits,
        coalesce({{ clean_text('traits') }}, '{}') as traits_text
    from numbered_rows
),

classified as (
    select
        *,
        {{ dbt.hash(dbt.concat([
            "coalesce(user_id, '')", "'|'", "coalesce(anonymous_id, '')", "'|'",
            "coalesce(raw_occurred_at, '')", "'|'", "coalesce(raw_traits, '')"
        ])) }} as record_id,
        case
            when user_id is null then 'missing_identity'
            when occurred_at is null or received_at is null then 'unparseable_timestamp'
            when
                occurred_at > {{ dbt.dateadd('minute', var('future_timestamp_tolerance_minutes'), 'received_at') }}
                then 'future_timestamp'
            when not {{ is_json_object('traits_text') }} then 'malformed_json'
        end as quarantine_reason
    from typed
),

explained as (
    select
        *,
        case quarantine_reason
            when 'missing_identity' then anonymous_id
            when 'unparseable_timestamp' then coalesce(raw_occurred_at, 'null occurred_at')
            when 'future_timestamp' then raw_occurred_at
            when 'malformed_json' then raw_traits
        end as quarantine_detail,
        case when quarantine_reason is null then traits_text end as traits
    from classified
),

{{ flag_duplicates('explained', 'record_id', 'received_at') }}

select * from final
