{#- `unique`, checking only the values of the rows the last run of `restaged_by` wrote (its
    re-staged days, macros/received_days.sql) against every row of the model: a daily build
    does not group all history again. Every row is checked after a whole build; then, over a
    table, the values are grouped by a 64-bit hash first (macro fast_hash), and only those
    whose hash repeats by the value itself: grouping every text value held them all in memory.
    A daily run's check reads the table twice already, and a view would be computed twice, so
    over a view the values are grouped at once, unless `hash_first` says the view is cheap to
    read twice (a filter of a table, as the event staging views are). -#}
{% test unique_in_restaged_days(model, column_name, restaged_by, hash_first=none) %}

{%- set first_day = last_restaged_day(restaged_by) %}
{%- set hash_first = (is_stored_table(model) if hash_first is none else hash_first) and not first_day %}

with

restaged_values as (
    select distinct {{ column_name }} as restaged_value
    from {{ model }}
    {%- if first_day %}
        where received_on >= {{ first_day }}
    {%- endif %}
),

checked_rows as {{ inline_cte() }} (
    select
        {%- if hash_first %}
            {{ fast_hash([column_name]) }} as value_hash,
        {%- endif %}
        {{ column_name }} as unique_field
    from {{ model }}
    where {{ column_name }} is not null
    {%- if first_day %}
        and {{ column_name }} in (select restaged_value from restaged_values)
    {%- endif %}
),

{% if hash_first -%}
    repeated_hashes as (
        select value_hash
        from checked_rows
        group by value_hash
        having count(*) > 1
    ),

{% endif -%}
repeated as (
    select
        unique_field,
        count(*) as n_records
    from checked_rows
    {%- if hash_first %}
        where value_hash in (select repeated_hashes.value_hash from repeated_hashes)
    {%- endif %}
    group by unique_field
    having count(*) > 1
)

select * from repeated

{% endtest %}
