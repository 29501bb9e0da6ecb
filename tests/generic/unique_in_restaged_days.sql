{#- `unique`, checking only the values of the rows the last run of `restaged_by` wrote (its
    re-staged days, macros/received_days.sql) against every row of the model: a daily build
    does not group all history again. Every row is checked after a whole build. -#}
{% test unique_in_restaged_days(model, column_name, restaged_by) %}

{%- set first_day = last_restaged_day(restaged_by) %}

with

restaged_values as (
    select distinct {{ column_name }} as restaged_value
    from {{ model }}
    {%- if first_day %}
        where received_on >= {{ first_day }}
    {%- endif %}
),

checked_rows as (
    select {{ column_name }} as unique_field
    from {{ model }}
    {%- if first_day %}
        where {{ column_name }} in (select restaged_value from restaged_values)
    {%- endif %}
),

repeated as (
    select
        unique_field,
        count(*) as n_records
    from checked_rows
    where unique_field is not null
    group by unique_field
    having count(*) > 1
)

select * from repeated

{% endtest %}
