{#- Every raw metered-usage row, typed, with its quarantine reason. The grain is account and
    day; a repeated (account, day) is a restatement of the meter, and the highest reading wins
    because meters only catch up. -#}

with

source as (
    select * from {{ source('raw', 'product_usage_daily') }}
),

{{ number_raw_rows('source', [
    'account_id',
    'usage_date',
    'usage_units',
]) }},

typed as (
    select
        raw_row_id,

        -- ids
        {{ clean_text('account_id') }} as account_id,

        -- dates
        cast(usage_date as {{ dbt.type_string() }}) as raw_usage_date,
        {{ parse_date('usage_date') }} as usage_date,

        -- measures
        cast(usage_units as {{ dbt.type_string() }}) as raw_usage_units,
        {{ parse_number('usage_units') }} as usage_units
    from numbered_rows
),

classified as (
    select
        *,
        {{ dbt.concat(["coalesce(account_id, '')", "'|'", "coalesce(raw_usage_date, '')"]) }} as record_id,
        case
            when account_id is null then 'missing_key'
            when usage_date is null then 'unparseable_timestamp'
            when usage_units is null then 'unparseable_number'
            when usage_units < 0 then 'negative_amount'
        end as quarantine_reason
    from typed
),

explained as (
    select
        *,
        case quarantine_reason
            when 'unparseable_timestamp' then coalesce(raw_usage_date, 'null usage_date')
            when 'unparseable_number' then coalesce(raw_usage_units, 'null usage_units')
            when 'negative_amount' then raw_usage_units
        end as quarantine_detail
    from classified
),

{{ flag_duplicates('explained', 'account_id, usage_date', 'usage_units desc') }}

select * from final
