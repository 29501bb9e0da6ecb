{#- Every raw support ticket row, typed, with its quarantine reason. A ticket seen twice keeps
    its latest state (closed before open, then the latest close). -#}

{#- The columns whose unreadable value quarantines a row, by reason (macro
    unparseable_reasons). -#}
{%- set unparseable = {
    'unparseable_timestamp': {'required': ['opened_at'], 'optional': ['closed_at']},
    'unparseable_number': {'optional': [{'raw': 'raw_csat_score', 'parsed': 'csat_number'}]},
} -%}

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
        {{ raw_and_parsed('csat_score', 'number', parsed_name='csat_number') }},
        {{ parse_integer('csat_score') }} as csat_score,

        -- timestamps
        {{ raw_and_parsed('opened_at', 'timestamp') }},
        {{ raw_and_parsed('closed_at', 'timestamp') }}
    from numbered_rows
),

classified as (
    select
        *,
        ticket_id as record_id,
        case
            when ticket_id is null then 'missing_key'
            when account_id is null and user_id is null then 'missing_identity'
            {{ unparseable_reasons(unparseable) }}
            -- CSAT is a whole number 1-5: 4.5 is not rounded into a score
            when csat_number not between 1 and 5 or csat_number != floor(csat_number)
                then 'out_of_range_score'
        end as quarantine_reason
    from typed
),

{{ explained_cte({'out_of_range_score': 'raw_csat_score'}, unparseable=unparseable) }},

{{ flag_duplicates('explained', 'ticket_id', 'closed_at desc nulls last, opened_at desc') }}

select * from final
