{#- Every publish so far (publish_id, as_of); none before the first publish. -#}
{%- set published = source('published', 'publish_log') -%}

with

{% if execute and load_relation(published) is not none %}
    publishes as (
        select
            publish_id,
            as_of
        from {{ published }}
    ),
{% else %}
    -- nothing was published before this build
    publishes as (
        select
            cast(null as {{ dbt.type_int() }}) as publish_id,
            cast(null as {{ dbt.type_timestamp() }}) as as_of
        where 1 = 0
    ),
{% endif %}

final as (
    select
        cast(publish_id as {{ dbt.type_int() }}) as publish_id,
        cast(as_of as {{ dbt.type_timestamp() }}) as as_of
    from publishes
)

select * from final
