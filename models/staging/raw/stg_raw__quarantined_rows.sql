{{ config(materialized='table') }}

{#- Every raw row staging cannot use, with the reason, so that a bad row is never dropped
    silently: fix it at the source and reload, or accept the loss knowingly. -#}

with

{% for raw_table in raw_audit_tables() %}
    quarantined_{{ raw_table }} as (
        select
            '{{ raw_table }}' as source_table,
            record_id,
            quarantine_reason,
            quarantine_detail
        from {{ ref('base_raw__' ~ raw_table) }}
        where quarantine_reason is not null
    ),

{% endfor %}
unioned as (
    {% for raw_table in raw_audit_tables() %}
        select * from quarantined_{{ raw_table }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        {{ dbt.hash(dbt.concat([
            'source_table', "'|'", "coalesce(record_id, '')", "'|'",
            dbt.safe_cast('row_number() over (partition by source_table, record_id order by quarantine_reason, quarantine_detail)', dbt.type_string())
        ])) }} as quarantined_row_id,
        source_table,
        record_id,
        quarantine_reason,
        quarantine_detail
    from unioned
)

select * from final
