{#- A CTE body: the same `columns`, in that order, of every CTE of `ctes`, stacked with union
    all (an earlier publish's rows and this build's, for instance). -#}
{% macro union_all_of(ctes, columns) -%}
    {%- for cte in ctes %}
    select
        {%- for column in columns %}
            {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ cte }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
