{#- Every raw NPS response row, typed, with its quarantine reason. -#}

{#- The columns whose unreadable value quarantines a row, by reason (macro
    unparseable_reasons). -#}
{%- set unparseable = {
    'unparseable_timestamp': {'required': ['responded_at']},
    'unparseable_number': {'optional': [{'raw': 'raw_score', 'parsed': 'score_number'}]},
} -%}

with

source as (
    select * from {{ source('raw', 'nps_responses') }}
),

{{ number_raw_rows('source', [
    'response_id',
    'user_id',
    'account_id',
    'score',
    'comment',
    'responded_at',
]) }},

typed as (
    select
        raw_row_id,

        -- ids
        {{ clean_text('response_id') }} as response_id,
        {{ clean_text('user_id') }} as user_id,
        {{ clean_text('account_id') }} as account_id,

        -- measures
        {{ raw_and_parsed('score', 'number', parsed_name='score_number') }},
        {{ parse_integer('score') }} as score,
        cast(comment as {{ dbt.type_string() }}) as comment,

        -- timestamps
        {{ raw_and_parsed('responded_at', 'timestamp') }}
    from numbered_rows
),

classified as (
    select
        *,
        response_id as record_id,
        case
            when response_id is null then 'missing_key'
            when user_id is null then 'missing_identity'
            {{ unparseable_reasons(unparseable) }}
            -- NPS is a whole number 0-10: 7.5 is not rounded into a category
            when score_number is null or score_number not between 0 and 10
                or score_number != floor(score_number)
                then 'out_of_range_score'
        end as quarantine_reason
    from typed
),

{{ explained_cte({'out_of_range_score': "coalesce(raw_score, 'null score')"}, unparseable=unparseable) }},

{{ flag_duplicates('explained', 'response_id', 'responded_at') }}

select * from final
