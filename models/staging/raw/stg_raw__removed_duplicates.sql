{#- Every raw row dropped because another row of the same key was kept: redeliveries of an
    event, and superseded versions of a CRM record. Its counts show how often the pipeline
    redelivers. -#}

with

{% for raw_table in raw_audit_tables() %}
    duplicates_{{ raw_table }} as (
        select
            '{{ raw_table }}' as source_table,
            record_id
        from {{ ref('base_raw__' ~ raw_table) }}
        where is_duplicate
    ),

{% endfor %}
unioned as (
    {% for raw_table in raw_audit_tables() %}
        select * from duplicates_{{ raw_table }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        source_table,
        record_id,
        count(*) as duplicate_rows
    from unioned
    group by source_table, record_id
)

select * from final
