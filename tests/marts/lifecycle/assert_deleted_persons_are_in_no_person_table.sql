{#- A `delete` privacy request removes the person from every mart and history the project
    writes (raw contract, privacy_requests): no row of a person table below may carry the
    person_id of a person in int_persons_deleted. Covers the lifecycle history, dim_persons,
    every person audience of audience_models() and the person memberships of
    fct_audience_memberships. Each failing row names the table.
    Tables only: the view int_person_weeks_classified writes nothing, and reading it here
    recomputed every person's weekly history (37 s of a 100M-event daily build); its own unit
    test gives a deleted person no history, and fct_lifecycle_weekly_stages, checked here,
    is what it feeds. -#}

{%- set person_tables = [
    'fct_lifecycle_weekly_stages',
    'fct_lifecycle_transitions',
    'dim_person_lifecycle',
    'dim_persons',
] -%}
{%- for audience in audience_models() if audience.member_type == 'person' -%}
    {%- do person_tables.append('aud_' ~ audience.name) -%}
{%- endfor %}

with

deleted_persons as (
    select * from {{ ref('int_persons_deleted') }}
),

memberships as (
    select * from {{ ref('fct_audience_memberships') }}
),

{% for table_name in person_tables %}
    {{ table_name }} as (
        select * from {{ ref(table_name) }}
    ),

{% endfor %}
person_ids as (
    {% for table_name in person_tables %}
        select
            '{{ table_name }}' as table_name,
            person_id
        from {{ table_name }}
        union all
    {% endfor %}
    select
        'fct_audience_memberships' as table_name,
        member_id as person_id
    from memberships
    where member_type = 'person'
),

final as (
    select
        person_ids.table_name,
        person_ids.person_id
    from person_ids
    inner join deleted_persons
        on person_ids.person_id = deleted_persons.person_id
)

select * from final
