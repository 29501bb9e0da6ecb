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
