{#- Every publish so far (publish_id, as_of); none before the first publish. -#}
{%- set published = source('published', 'publish_log') -%}

with

publishes as (
    {{ select_published_or_empty(published, {
        'publish_id': dbt.type_int(),
        'as_of': dbt.type_timestamp(),
    }) }}
),

final as (
    select
        cast(publish_id as {{ dbt.type_int() }}) as publish_id,
        cast(as_of as {{ dbt.type_timestamp() }}) as as_of
    from publishes
)

select * from final
