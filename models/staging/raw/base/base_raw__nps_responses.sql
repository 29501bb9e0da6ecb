{#- Every raw NPS response row, typed, with its quarantine reason. -#}

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
        cast(score as {{ dbt.type_string() }}) as raw_score,
        {{ parse_number('score') }} as score_number,
        {{ parse_integer('score') }} as score,
        cast(comment as {{ dbt.type_string() }}) as comment,

        -- timestamps
        cast(responded_at as {{ dbt.type_string() }}) as raw_responded_at,
        {{ parse_timestamp_utc('responded_at') }} as responded_at
    from numbered_rows
),

classified as (
    select
        *,
        response_id as record_id,
        case
            when response_id is null then 'missing_key'
            when user_id is null then 'missing_identity'
            when responded_at is null then 'unparseable_timestamp'
            when {{ is_unparseable('raw_score', 'score_number') }} then 'unparseable_number'
            -- NPS is a whole number 0-10: 7.5 is not rounded into a category
            when score_number is null or score_number not between 0 and 10
                or score_number != floor(score_number)
                then 'out_of_range_score'
        end as quarantine_reason
    from typed
),

explained as (
    select
        *,
        case quarantine_reason
            when 'unparseable_timestamp' then coalesce(raw_responded_at, 'null responded_at')
            when 'unparseable_number' then raw_score
            when 'out_of_range_score' then coalesce(raw_score, 'null score')
        end as quarantine_detail
    from classified
),

{{ flag_duplicates('explained', 'response_id', 'responded_at') }}

select * from final
