{#- How much of each raw table staging could not use, by reason: the first place to look when an
    audience shrinks overnight. `dbt compile` renders it for any engine. -#}

with

quarantined_rows as (
    select * from {{ ref('stg_raw__quarantined_rows') }}
),

removed_duplicates as (
    select * from {{ ref('stg_raw__removed_duplicates') }}
),

quarantined_by_reason as (
    select
        source_table,
        quarantine_reason,
        count(*) as quarantined_rows
    from quarantined_rows
    group by source_table, quarantine_reason
),

duplicates_by_table as (
    select
        source_table,
        sum(duplicate_rows) as duplicate_rows
    from removed_duplicates
    group by source_table
),

final as (
    select
        quarantined_by_reason.source_table,
        quarantined_by_reason.quarantine_reason,
        quarantined_by_reason.quarantined_rows,
        coalesce(duplicates_by_table.duplicate_rows, 0) as duplicate_rows_in_table
    from quarantined_by_reason
    left join duplicates_by_table
        on quarantined_by_reason.source_table = duplicates_by_table.source_table
)

select * from final
