{#- dbt-spark's seed loader, with each value written as a SQL literal instead of a binding: the
    session method formats bindings into the statement unescaped, so an empty cell became the
    text 'None' (onboarding_steps' feature) and an apostrophe broke the statement. Same
    statements otherwise: batches of rows, each value cast to its column's type. The root
    project's `spark__load_csv_rows` takes precedence over the adapter's in dispatch. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set batch_size = get_batch_size() -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(batch_size) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                    {%- set type = column_override.get(col_name, inferred_type) -%}
                    cast({{ spark_seed_literal(row[loop.index0]) }} as {{ type }})
                    {%- if not loop.last %},{% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {% endfor -%}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.index0 == 0 -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}

{#- A seed cell as a Spark SQL literal: null for an empty cell, else a quoted string with
    backslashes and apostrophes escaped (Spark reads backslash escapes in literals), which the
    cast turns into the column's type. -#}
{% macro spark_seed_literal(value) -%}
    {%- if value is none -%}
        null
    {%- else -%}
        '{{ (value | string).replace("\\", "\\\\").replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}
