{#- The audience size history as the last publish held it; empty before the first publish. -#}
{%- set published = source('published', 'rpt_audience_size_history') -%}

with

{% if execute and load_relation(published) is not none %}
    size_history as (
        select
            publish_id,
            as_of,
            audience_name,
            members,
            emailable_members,
            entered_members,
            exited_members
        from {{ published }}
    ),
{% else %}
    -- nothing was published before this build
    size_history as (
        select
            cast(null as {{ dbt.type_int() }}) as publish_id,
            cast(null as {{ dbt.type_timestamp() }}) as as_of,
            cast(null as {{ dbt.type_string() }}) as audience_name,
            cast(null as {{ dbt.type_bigint() }}) as members,
            cast(null as {{ dbt.type_bigint() }}) as emailable_members,
            cast(null as {{ dbt.type_bigint() }}) as entered_members,
            cast(null as {{ dbt.type_bigint() }}) as exited_members
        where 1 = 0
    ),
{% endif %}

final as (
    select
        -- ids
        cast(publish_id as {{ dbt.type_int() }}) as publish_id,
        audience_name,

        -- measures
        cast(members as {{ dbt.type_bigint() }}) as members,
        cast(emailable_members as {{ dbt.type_bigint() }}) as emailable_members,
        cast(entered_members as {{ dbt.type_bigint() }}) as entered_members,
        cast(exited_members as {{ dbt.type_bigint() }}) as exited_members,

        -- timestamps (UTC)
        cast(as_of as {{ dbt.type_timestamp() }}) as as_of
    from size_history
)

select * from final
