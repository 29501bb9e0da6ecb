{{ config(materialized='table') }}

{#- Every raw metered-usage row, typed, with its quarantine reason. The grain is account and
    day; a repeated (account, day) is a restatement of the meter, and the highest reading wins
    because meters only catch up. A table: fifteen nodes read it, and as a view each of them
    ranked every restatement again. -#}

{#- The columns whose unreadable value quarantines a row, by reason (macro
    unparseable_reasons). -#}
{%- set unparseable = {
    'unparseable_timestamp': {'required': ['usage_date']},
    'unparseable_number': {'required': ['usage_units']},
} -%}

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
        {{ raw_and_parsed('usage_date', 'date') }},

        -- measures
        {{ raw_and_parsed('usage_units', 'number') }}
    from numbered_rows
),

classified as (
    select
        *,
        {{ dbt.concat(["coalesce(account_id, '')", "'|'", "coalesce(raw_usage_date, '')"]) }} as record_id,
        case
            when account_id is null then 'missing_key'
            {{ unparseable_reasons(unparseable) }}
            when usage_units < 0 then 'negative_amount'
        end as quarantine_reason
    from typed
),

{{ explained_cte({'negative_amount': 'raw_usage_units'}, unparseable=unparseable) }},

{{ flag_duplicates('explained', 'account_id, usage_date', 'usage_units desc') }}

select * from final
