{#- The person an event belongs to: its own user_id, else the user its anonymous id was
    stitched to (int_anonymous_ids_stitched), else the anonymous person `anon:<anonymous_id>`.
    One definition for the events (int_events_identified) and their hourly rollup
    (int_person_hours_stitched), which must attribute alike. -#}
{% macro person_of(user_id, stitched_person_id, anonymous_id) -%}
    coalesce(
        {{ user_id }},
        {{ stitched_person_id }},
        {{ dbt.concat(["'anon:'", anonymous_id]) }}
    )
{%- endmacro %}

{#- A CTE body: the rows of `from_cte` whose person_id is not that of a person with a delete
    request (`deleted_persons`, an import of int_persons_deleted), whom no model past identity
    may hold. One rule for the persons, their events, email events and hourly signals. -#}
{% macro without_deleted_persons(from_cte, deleted_persons='deleted_persons') -%}
    select {{ from_cte }}.*
    from {{ from_cte }}
    left join {{ deleted_persons }}
        on {{ from_cte }}.person_id = {{ deleted_persons }}.person_id
    where {{ deleted_persons }}.person_id is null
{%- endmacro %}
