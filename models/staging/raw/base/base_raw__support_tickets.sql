{#- Every raw support ticket row, typed, with its quarantine reason. A ticket seen twice keeps
    its latest state (closed before open, then the latest close). -#}

with

source as (
    select * from {{ source('raw', 'support_tickets') }}
),

typed as (
    select
        -- ids
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('user_id') }} as user_id,

        -- dimensions
        {{ clean_lower_text('priority') }} as priority,
        {{ clean_lower_text('status') }} as status,

        -- measures
        cast(csat_score as {{ dbt.type_string() }}) as raw_csat_score,
        {{ dbt.safe_cast(clean_text('csat_score'), dbt.type_int()) }} as csat_score,

        -- timestamps
        cast(opened_at as {{ dbt.type_string() }}) as raw_opened_at,
        {{ parse_timestamp_utc('opened_at') }} as opened_at,
        {{ parse_timestamp_utc('closed_at') }} as closed_at
    from source
),

classified as (
    select
        *,
        ticket_id as record_id,
        case
            when ticket_id is null then 'missing_key'
            when account_id is null and user_id is null then 'missing_identity'
            when opened_at is null then 'unparseable_timestamp'
            when csat_score not between 1 and 5
                or (csat_score is null and raw_csat_score is not null and trim(raw_csat_score) != '')
                then 'out_of_range_score'
        end as quarantine_reason
    from typed
),

explained as (
    select
        *,
        case quarantine_reason
            when 'unparseable_timestamp' then coalesce(raw_opened_at, 'null opened_at')
            when 'out_of_range_score' then raw_csat_score
        end as quarantine_detail
    from classified
),

{{ flag_duplicates('explained', 'ticket_id', 'closed_at desc nulls last, opened_at desc') }}

select * from final
