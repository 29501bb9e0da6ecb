{#- The publish this build becomes if it is published: the number after the last publish's, and
    this build's as_of. One row. -#}

with

publishes as (
    select * from {{ ref('stg_published__publishes') }}
),

last_publish as (
    select max(publish_id) as last_publish_id
    from publishes
),

final as (
    select
        cast(coalesce(last_publish_id, 0) + 1 as {{ dbt.type_int() }}) as publish_id,
        {{ as_of() }} as as_of
    from last_publish
)

select * from final
