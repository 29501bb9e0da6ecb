{#- A raw row's identity, for raw tables that have no key of their own: `raw_row_id` is a hash
    of all the row's columns plus its occurrence number among identical rows ('<hash>-1',
    '<hash>-2' for a row loaded twice). The same raw data always gets the same ids, whatever the
    load order (identical rows are interchangeable), so a base row can be named and tested
    unique. -#}

{#- The hash of a raw row: every column as text ('<null>' for null), joined by '|'. -#}
{% macro raw_row_hash(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- if not loop.first -%}{%- do parts.append("'|'") -%}{%- endif -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}

{#- The id of the `occurrence`-th copy of the raw row hashed `hash` (an expression each). -#}
{% macro raw_row_id(hash, occurrence) -%}
    {{ dbt.concat([hash, "'-'", dbt.safe_cast(occurrence, dbt.type_string())]) }}
{%- endmacro %}

{#- The CTEs `hashed_rows` and `numbered_rows` over `from_cte`: every row gets `raw_row_hash`
    and `raw_row_id`, its occurrence numbered by a window over all rows. A large raw table with
    a key that identical rows share numbers only the rows whose key repeats instead (macro
    number_and_flag_deliveries). -#}
{% macro number_raw_rows(from_cte, columns) %}
hashed_rows as (
    select
        *,
        {{ raw_row_hash(columns) }} as raw_row_hash
    from {{ from_cte }}
),

numbered_rows as (
    select
        *,
        {{ raw_row_id('raw_row_hash', 'row_number() over (partition by raw_row_hash order by raw_row_hash)') }} as raw_row_id
    from hashed_rows
)
{% endmacro %}
