{#- The audience size history as the last publish held it; empty before the first publish. -#}
{%- set published = source('published', 'rpt_audience_size_history') -%}

with

size_history as (
    {{ select_published_or_empty(published, {
        'publish_id': dbt.type_int(),
        'as_of': dbt.type_timestamp(),
        'audience_name': dbt.type_string(),
        'members': dbt.type_bigint(),
        'emailable_members': dbt.type_bigint(),
        'holdout_members': dbt.type_bigint(),
        'entered_members': dbt.type_bigint(),
        'exited_members': dbt.type_bigint(),
    }) }}
),

final as (
    select
        -- ids
        cast(publish_id as {{ dbt.type_int() }}) as publish_id,
        audience_name,

        -- measures
        {{ audience_size_count_columns() }},

        -- timestamps (UTC)
        cast(as_of as {{ dbt.type_timestamp() }}) as as_of
    from size_history
)

select * from final
