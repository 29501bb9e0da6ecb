{{ config(materialized='table') }}

{#- Every raw email event row, typed, with its quarantine reason and redelivery flag. -#}

with

source as (
    select * from {{ source('raw', 'email_events') }}
),

{{ number_raw_rows('source', [
    'email_event_id',
    'user_id',
    'email',
    'campaign_id',
    'event_type',
    'occurred_at',
    'received_at',
]) }},

typed as (
    select
        raw_row_id,

        -- ids
        {{ clean_text('email_event_id') }} as email_event_id,
        {{ clean_text('user_id') }} as user_id,
        {{ clean_lower_text('email') }} as email,
        {{ clean_text('campaign_id') }} as campaign_id,

        -- dimensions
        {{ clean_lower_text('event_type') }} as event_type,

        -- timestamps
        cast(occurred_at as {{ dbt.type_string() }}) as raw_occurred_at,
        {{ parse_timestamp_utc('occurred_at') }} as occurred_at,
        {{ parse_timestamp_utc('received_at') }} as received_at
    from numbered_rows
),

classified as (
    select
        *,
        email_event_id as record_id,
        case
            when email_event_id is null then 'missing_event_id'
            when user_id is null and email is null then 'missing_identity'
            when occurred_at is null or received_at is null then 'unparseable_timestamp'
            when
                occurred_at > {{ dbt.dateadd('minute', var('future_timestamp_tolerance_minutes'), 'received_at') }}
                then 'future_timestamp'
            when event_type is null
                or event_type not in (
                    'sent', 'delivered', 'opened', 'clicked', 'bounced', 'unsubscribed', 'complained'
                )
                then 'unknown_event_type'
        end as quarantine_reason
    from typed
),

explained as (
    select
        *,
        case quarantine_reason
            when 'unparseable_timestamp' then coalesce(raw_occurred_at, 'null occurred_at')
            when 'future_timestamp' then raw_occurred_at
            when 'unknown_event_type' then event_type
        end as quarantine_detail
    from classified
),

{{ flag_duplicates('explained', 'email_event_id', 'received_at, raw_occurred_at') }}

select * from final
