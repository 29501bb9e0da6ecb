{#- True for the events that count as activity in the lifecycle (var lifecycle_activity_events;
    empty = any event): a publisher counts reads, a shop counts visits. -#}
{% macro is_lifecycle_activity(event_name_column) -%}
    {%- set activity_events = var('lifecycle_activity_events', []) -%}
    {%- if activity_events | length == 0 -%}
        true
    {%- else -%}
        {{ event_name_column }} in (
            {%- for event_name in activity_events -%}
                '{{ event_name }}'{{ ", " if not loop.last }}
            {%- endfor -%}
        )
    {%- endif -%}
{%- endmacro %}

{#- The lifecycle stage at a reference instant from the last activity up to it and the orders
    of the 365 days before it (../shared/spec/audiences.md, "Lifecycle"); null without any
    activity yet. -#}
{% macro lifecycle_stage(last_activity_at, orders_365d, reference_at) -%}
    case
        when {{ last_activity_at }} is null then null
        when {{ last_activity_at }} > {{ dbt.dateadd('day', -1 * var('active_days'), reference_at) }}
            and {{ orders_365d }} >= {{ var('loyal_min_orders') }}
            then 'loyal'
        when {{ last_activity_at }} > {{ dbt.dateadd('day', -1 * var('active_days'), reference_at) }}
            then 'active'
        when {{ last_activity_at }} > {{ dbt.dateadd('day', -1 * var('lapsed_days'), reference_at) }}
            then 'lapsed'
        else 'inactive'
    end
{%- endmacro %}
