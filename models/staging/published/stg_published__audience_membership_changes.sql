{#- The change feed as the last publish held it; empty before the first publish. -#}
{%- set published = source('published', 'fct_audience_membership_changes') -%}

with

{% if execute and load_relation(published) is not none %}
    changes as (
        select
            publish_id,
            as_of,
            audience_name,
            member_type,
            member_id,
            change_type
        from {{ published }}
    ),
{% else %}
    -- nothing was published before this build
    changes as (
        select
            cast(null as {{ dbt.type_int() }}) as publish_id,
            cast(null as {{ dbt.type_timestamp() }}) as as_of,
            cast(null as {{ dbt.type_string() }}) as audience_name,
            cast(null as {{ dbt.type_string() }}) as member_type,
            cast(null as {{ dbt.type_string() }}) as member_id,
            cast(null as {{ dbt.type_string() }}) as change_type
        where 1 = 0
    ),
{% endif %}

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
