{#- Every raw support ticket row, typed, with its quarantine reason. A ticket seen twice keeps
    its latest state (closed before open, then the latest close). -#}

with

source as (
    select * from {{ source('raw', 'support_tickets') }}
),

{{ number_raw_rows('source', [
    'ticket_id',
    'account_id',
    'user_id',
    'opened_at',
    'closed_at',
    'priority',
    'status',
    'csat_score',
]) }},

typed as (
    select
        raw_row_id,

        -- ids
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('user_id') }} as user_id,

        -- dimensions
        {{ clean_lower_text('priority') }} as priority,
        {{ clean_lower_text('status') }} as status,

        -- measures
        cast(csat_score as {{ dbt.type_string() }}) as raw_csat_score,
        {{ parse_number('csat_score') }} as csat_number,
        {{ parse_integer('csat_score') }} as csat_score,

        -- timestamps
        cast(opened_at as {{ dbt.type_string() }}) as raw_opened_at,
        {{ parse_timestamp_utc('opened_at') }} as opened_at,
        cast(closed_at as {{ dbt.type_string() }}) as raw_closed_at,
        {{ parse_timestamp_utc('closed_at') }} as closed_at
    from numbered_rows
),

classified as (
    select
        *,
        ticket_id as record_id,
        case
            when ticket_id is null then 'missing_key'
            when account_id is null and user_id is null then 'missing_identity'
            when opened_at is null or {{ is_unparseable('raw_closed_at', 'closed_at') }}
                then 'unparseable_timestamp'
            when {{ is_unparseable('raw_csat_score', 'csat_number') }} then 'unparseable_number'
            -- CSAT is a whole number 1-5: 4.5 is not rounded into a score
            when csat_number not between 1 and 5 or csat_number != floor(csat_number)
                then 'out_of_range_score'
        end as quarantine_reason
    from typed
),

explained as (
    select
        *,
        case quarantine_reason
            when 'unparseable_timestamp'
                then case
                        when opened_at is null then coalesce(raw_opened_at, 'null opened_at')
                        else raw_closed_at
                    end
            when 'unparseable_number' then raw_csat_score
            when 'out_of_range_score' then raw_csat_score
        end as quarantine_detail
    from classified
),

{{ flag_duplicates('explained', 'ticket_id', 'closed_at desc nulls last, opened_at desc') }}

select * from final
