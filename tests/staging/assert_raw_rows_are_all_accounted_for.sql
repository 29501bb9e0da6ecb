{#- Rows in = rows staged + duplicates removed + rows quarantined, for every raw table: a row
    that staging drops without a trace, or counts twice, fails this test. It is also the alarm
    of the incremental event staging (macros/received_days.sql): a row loaded after the days
    it was received on were last re-staged, or a raw row removed or replaced, leaves the counts
    apart until `dbt build --full-refresh`. -#}

with

{% for raw_table in raw_audit_tables() %}
    counts_{{ raw_table }} as (
        select
            '{{ raw_table }}' as source_table,
            (select count(*) from {{ source('raw', raw_table) }}) as raw_rows,
            (select count(*) from {{ ref('stg_raw__' ~ raw_table) }}) as staged_rows,
            (
                select coalesce(sum(duplicate_rows), 0)
                from {{ ref('stg_raw__removed_duplicates') }}
                where source_table = '{{ raw_table }}'
            ) as duplicate_rows,
            (
                select count(*)
                from {{ ref('stg_raw__quarantined_rows') }}
                where source_table = '{{ raw_table }}'
            ) as quarantined_rows
    ),

{% endfor %}
all_counts as (
    {% for raw_table in raw_audit_tables() %}
        select * from counts_{{ raw_table }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select * from all_counts
    where raw_rows != staged_rows + duplicate_rows + quarantined_rows
)

select * from final
