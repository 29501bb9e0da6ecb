{#- Written between a CTE's `as` and its body (`typed as {{ inline_cte() }} (`): the CTE is
    evaluated inside each query that reads it, as a view would be, instead of being stored
    first. DuckDB stores every CTE that is read more than once, a full copy of its rows, which
    costs memory when each reader takes only a slice of a large CTE (the readers' filters
    cannot reach the rows before they are stored). Once a CTE is inlined, the CTEs it reads are
    read more than once too: mark the chain down to the source. A CTE that is small or costly
    to compute is better stored: leave it unmarked. Spark inlines CTEs itself. -#}
{% macro inline_cte() -%}
    {{ return(adapter.dispatch('inline_cte', 'audiences')()) }}
{%- endmacro %}

{% macro default__inline_cte() -%}
    not materialized
{%- endmacro %}

{% macro spark__inline_cte() -%}
{%- endmacro %}

{#- The opposite, for a CTE read several times that is small but costly to compute: stored
    once (DuckDB's default for such a CTE, said explicitly). Spark decides itself. -#}
{% macro stored_cte() -%}
    {{ return(adapter.dispatch('stored_cte', 'audiences')()) }}
{%- endmacro %}

{% macro default__stored_cte() -%}
    materialized
{%- endmacro %}

{% macro spark__stored_cte() -%}
{%- endmacro %}
