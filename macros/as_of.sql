{#- The reference instant of every time-relative rule (var `as_of`; default: the run's start,
    UTC). One literal for the whole run, so that a build is reproducible and a backfill is one
    flag: `dbt build --vars '{as_of: "2026-06-30 23:59:59"}'`. -#}
{% macro as_of() -%}
    {%- set as_of_value = var('as_of', none) -%}
    {%- if as_of_value is none or as_of_value == '' -%}
        {%- set as_of_value = run_started_at.strftime('%Y-%m-%d %H:%M:%S') -%}
    {%- endif -%}
    cast('{{ as_of_value }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
