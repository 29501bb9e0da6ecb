{#- The CTEs `hashed_rows` and `numbered_rows` over `from_cte`: every raw row gets `raw_row_id`,
    a hash of all its columns plus its occurrence number among identical rows ('<hash>-1',
    '<hash>-2' for a row loaded twice). The same raw data always gets the same ids, whatever
    the load order (identical rows are interchangeable), so a base row can be named and
    tested unique although raw tables have no key of their own. -#}
{% macro number_raw_rows(from_cte, columns) %}
{%- set parts = [] -%}
{%- for column in columns -%}
    {%- if not loop.first -%}{%- do parts.append("'|'") -%}{%- endif -%}
    {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
{%- endfor -%}
hashed_rows as (
    select
        *,
        {{ dbt.hash(dbt.concat(parts)) }} as raw_row_hash
    from {{ from_cte }}
),

numbered_rows as (
    select
        *,
        {{ dbt.concat([
            'raw_row_hash', "'-'",
            dbt.safe_cast('row_number() over (partition by raw_row_hash order by raw_row_hash)', dbt.type_string())
        ]) }} as raw_row_id
    from hashed_rows
)
{% endmacro %}
