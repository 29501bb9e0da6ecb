{#- The columns together identify a row (dbt_utils is not installable offline). With
    `restaged_by`, a model of tag received_days whose combination includes received_on, only
    the days its last run re-staged are checked (macros/received_days.sql): rows of other days
    cannot share their key. -#}
{% test unique_combination_of_columns(model, combination_of_columns, restaged_by=none) %}

{%- if restaged_by and 'received_on' not in combination_of_columns -%}
    {{ exceptions.raise_compiler_error(
        "unique_combination_of_columns: restaged_by needs received_on in the combination"
    ) }}
{%- endif -%}
{%- set first_day = last_restaged_day(restaged_by) if restaged_by else none %}

with

keyed as (
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as row_count
    from {{ model }}
    {%- if first_day %}
        where received_on >= {{ first_day }}
    {%- endif %}
    group by {{ combination_of_columns | join(', ') }}
),

final as (
    select * from keyed
    where row_count > 1
)

select * from final

{% endtest %}
