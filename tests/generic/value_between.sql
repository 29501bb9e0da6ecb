{#- Every non-null value of the column lies between min_value and max_value (either may be
    left out for a one-sided bound); min_inclusive / max_inclusive (default true) say whether
    the bound itself is allowed. Returns the offending rows' values. -#}
{% test value_between(model, column_name, min_value=none, max_value=none, min_inclusive=true, max_inclusive=true) %}

{%- if min_value is none and max_value is none -%}
    {{ exceptions.raise_compiler_error('value_between on ' ~ column_name ~ ': give min_value, max_value or both') }}
{%- endif %}

with

checked_values as (
    select {{ column_name }} as checked_value
    from {{ model }}
    where {{ column_name }} is not null
),

final as (
    select * from checked_values
    where
        {%- if min_value is not none %}
            checked_value {{ '<' if min_inclusive else '<=' }} {{ min_value }}
        {%- endif %}
        {%- if min_value is not none and max_value is not none %}
            or
        {%- endif %}
        {%- if max_value is not none %}
            checked_value {{ '>' if max_inclusive else '>=' }} {{ max_value }}
        {%- endif %}
)

select * from final

{% endtest %}
