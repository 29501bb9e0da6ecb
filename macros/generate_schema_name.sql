{#- Custom schemas are used as they are (`staging`, not `main_staging`): BI tools and reverse-ETL
    jobs read stable, readable schema names. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
