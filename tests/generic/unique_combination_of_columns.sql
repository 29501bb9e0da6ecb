{#- The columns together identify a row (dbt_utils is not installable offline). With
    `restaged_by`, a model of tag received_days whose combination includes received_on, only
    the days its last run re-staged are checked (macros/received_days.sql): rows of other days
    cannot share their key.
    When every row of a table is checked, the rows are grouped by a 64-bit hash of their key
    first (macro fast_hash), and only the rows whose hash repeats by the key itself: grouping
    every wide text key held them all in memory (5 GB of spill on the hourly rollup at 100M
    events). A view is grouped by the key at once, since each read would compute it again
    (macro is_stored_table), and so are a daily run's few rows, which two reads cost more. -#}
{% test unique_combination_of_columns(model, combination_of_columns, restaged_by=none) %}

{%- if restaged_by and 'received_on' not in combination_of_columns -%}
    {{ exceptions.raise_compiler_error(
        "unique_combination_of_columns: restaged_by needs received_on in the combination"
    ) }}
{%- endif -%}
{%- set first_day = last_restaged_day(restaged_by) if restaged_by else none %}
{%- set hash_first = is_stored_table(model) and not first_day %}

with

checked_rows as {{ inline_cte() }} (
    select
        {%- if hash_first %}
            {{ fast_hash(combination_of_columns) }} as key_hash,
        {%- endif %}
        {{ combination_of_columns | join(', ') }}
    from {{ model }}
    {%- if first_day %}
        where received_on >= {{ first_day }}
    {%- endif %}
),

{% if hash_first -%}
    repeated_hashes as (
        select key_hash
        from checked_rows
        group by key_hash
        having count(*) > 1
    ),

{% endif -%}
keyed as (
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as row_count
    from checked_rows
    {%- if hash_first %}
        where key_hash in (select repeated_hashes.key_hash from repeated_hashes)
    {%- endif %}
    group by {{ combination_of_columns | join(', ') }}
),

final as (
    select * from keyed
    where row_count > 1
)

select * from final

{% endtest %}
