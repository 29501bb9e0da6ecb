{#- The body of a stg_published__ model's import CTE: the named columns of a table the last
    publish wrote (`relation`, a source), or no rows of the same columns before the first
    publish, when the table does not exist yet. columns: {name: data type}, in order. -#}
{% macro select_published_or_empty(relation, columns) %}
    {%- set published = load_relation(relation) if execute else none %}
    {%- if published is not none %}
        {%- set published_columns = adapter.get_columns_in_relation(published) | map(attribute='name') | map('lower') | list %}
        select
            {%- for name, data_type in columns.items() %}
                {%- if name | lower in published_columns %}
                {{ name }}{{ ',' if not loop.last }}
                {%- else %}
                -- added after that publish: unknown for its rows
                cast(null as {{ data_type }}) as {{ name }}{{ ',' if not loop.last }}
                {%- endif %}
            {%- endfor %}
        from {{ relation }}
    {%- else %}
        -- nothing was published before this build
        select
            {%- for name, data_type in columns.items() %}
                cast(null as {{ data_type }}) as {{ name }}{{ ',' if not loop.last }}
            {%- endfor %}
        where 1 = 0
    {%- endif %}
{% endmacro %}

{#- The typed member counts of a publish of an audience (audience_size_history), in order. -#}
{% macro audience_size_count_columns() -%}
    cast(members as {{ dbt.type_bigint() }}) as members,
        cast(emailable_members as {{ dbt.type_bigint() }}) as emailable_members,
        cast(holdout_members as {{ dbt.type_bigint() }}) as holdout_members,
        cast(entered_members as {{ dbt.type_bigint() }}) as entered_members,
        cast(exited_members as {{ dbt.type_bigint() }}) as exited_members
{%- endmacro %}
