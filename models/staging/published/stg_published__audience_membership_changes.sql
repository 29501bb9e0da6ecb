{#- The change feed as the last publish held it; empty before the first publish. -#}
{%- set published = source('published', 'fct_audience_membership_changes') -%}

with

changes as (
    {{ select_published_or_empty(published, {
        'publish_id': dbt.type_int(),
        'as_of': dbt.type_timestamp(),
        'audience_name': dbt.type_string(),
        'member_type': dbt.type_string(),
        'member_id': dbt.type_string(),
        'change_type': dbt.type_string(),
    }) }}
),

final as (
    select
        -- ids
        cast(publish_id as {{ dbt.type_int() }}) as publish_id,
        audience_name,
        member_type,
        member_id,

        -- dimensions
        change_type,

        -- timestamps (UTC)
        cast(as_of as {{ dbt.type_timestamp() }}) as as_of
    from changes
)

select * from final
