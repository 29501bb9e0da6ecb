{#- A boolean SQL expression over a row holds on every row (dbt_utils is not installable
    offline); a null result fails too, so write null handling into the expression. Returns the
    rows where it does not hold. -#}
{% test expression_is_true(model, expression) %}

with

rows_to_check as (
    select * from {{ model }}
),

final as (
    select * from rows_to_check
    where not coalesce({{ expression }}, false)
)

select * from final

{% endtest %}
