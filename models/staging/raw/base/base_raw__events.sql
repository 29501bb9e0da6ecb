{{ config(materialized='table') }}

{#- Every raw event row, typed, with the reason it cannot be used (null when it can) and
    whether it is a redelivery of an event already received. stg_raw__events keeps the usable
    first deliveries; stg_raw__quarantined_rows and stg_raw__removed_duplicates account for
    the rest, so that no row is lost silently. -#}

with

source as (
    select * from {{ source('raw', 'events') }}
),

event_name_aliases as (
    select * from {{ ref('event_name_aliases') }}
),

typed as (
    select
        -- ids
        {{ clean_text('event_id') }} as event_id,
        {{ clean_text('anonymous_id') }} as anonymous_id,
        {{ clean_text('user_id') }} as user_id,
        {{ clean_text('account_id') }} as account_id,

        -- event name
        cast(event_name as {{ dbt.type_string() }}) as raw_event_name,
        {{ event_name_key('event_name') }} as event_name_key,

        -- timestamps
        cast(occurred_at as {{ dbt.type_string() }}) as raw_occurred_at,
        {{ parse_timestamp_utc('occurred_at') }} as occurred_at,
        {{ parse_timestamp_utc('received_at') }} as received_at,

        -- payloads: a missing payload is an empty one, a broken one is kept for the record
        cast(properties as {{ dbt.type_string() }}) as raw_properties,
        cast(context as {{ dbt.type_string() }}) as raw_context,
        coalesce({{ clean_text('properties') }}, '{}') as properties_text,
        coalesce({{ clean_text('context') }}, '{}') as context_text
    from source
),

validated_json as (
    select
        *,
        {{ is_json_object('properties_text') }} as has_valid_properties,
        {{ is_json_object('context_text') }} as has_valid_context
    from typed
),

named as (
    select
        validated_json.*,
        event_name_aliases.canonical_event_name as event_name
    from validated_json
    left join event_name_aliases
        on validated_json.event_name_key = event_name_aliases.event_name_key
),

parseable_json as (
    select
        *,
        case when has_valid_properties then properties_text end as properties,
        case when has_valid_context then context_text end as context
    from named
),

extracted as (
    select
        *,
        {{ dbt.safe_cast(json_extract_scalar('properties', 'revenue'), dbt.type_numeric()) }} as revenue,
        {{ dbt.safe_cast(json_extract_scalar('properties', 'price'), dbt.type_numeric()) }} as price
    from parseable_json
),

classified as (
    select
        *,
        event_id as record_id,
        case
            when event_id is null then 'missing_event_id'
            when anonymous_id is null and user_id is null then 'missing_identity'
            when occurred_at is null or received_at is null then 'unparseable_timestamp'
            when
                occurred_at > {{ dbt.dateadd('minute', var('future_timestamp_tolerance_minutes'), 'received_at') }}
                then 'future_timestamp'
            when not has_valid_properties or not has_valid_context then 'malformed_json'
            when event_name is null then 'unknown_event_name'
            when revenue < 0 or price < 0 then 'negative_amount'
        end as quarantine_reason
    from extracted
),

explained as (
    select
        *,
        case quarantine_reason
            when 'unparseable_timestamp' then coalesce(raw_occurred_at, 'null occurred_at')
            when 'future_timestamp' then raw_occurred_at
            when 'malformed_json' then case when has_valid_properties then raw_context else raw_properties end
            when 'unknown_event_name' then raw_event_name
            when 'negative_amount' then cast(coalesce(revenue, price) as {{ dbt.type_string() }})
        end as quarantine_detail
    from classified
),

{{ flag_duplicates('explained', 'event_id', 'received_at, raw_occurred_at, raw_properties') }}

select * from final
