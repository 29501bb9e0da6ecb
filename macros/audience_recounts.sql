{#- Pieces the singular audience tests (tests/marts/audiences/) share to recount an audience's
    windowed facts from events, independently of the models: they spell every window out
    (as_of - days < t <= as_of) instead of calling in_last_days or reading the windows models
    (int_person_windows_aggregated, int_account_windows_aggregated), so a test does not check
    the code against itself. Used by tests only. -#}


{#- True when `column` lies in the last `days` days before as_of. -#}
{% macro recount_window(column, days) -%}
    {{ column }} > {{ dbt.dateadd('day', -1 * days, as_of()) }}
        and {{ column }} <= {{ as_of() }}
{%- endmacro %}


{#- A CTE body: per `key` (person_id or account_id), the events of `events` in the last `days`
    days counted by name, one column per (column, event_name) or (column, event_name,
    page_path) of `counts`. -#}
{% macro recount_events(key, days, counts, events='events') %}
    select
        {{ key }},
        {%- for count in counts %}
        count(case
            when event_name = '{{ count[1] }}'{% if count | length > 2 %} and page_path = '{{ count[2] }}'{% endif %}
                then event_id
        end) as {{ count[0] }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ events }}
    where {{ key }} is not null
        and {{ recount_window('occurred_at', days) }}
    group by {{ key }}
{% endmacro %}


{#- A CTE body: every `Order Completed` event with its order's key (order_id, else the event)
    and the first time its order was seen, so that `occurred_at = order_first_occurred_at`
    keeps each order once, on its first event. -#}
{% macro recount_order_events(events='events') %}
    select
        person_id,
        occurred_at,
        coalesce(order_id, event_id) as order_key,
        min(occurred_at) over (partition by coalesce(order_id, event_id)) as order_first_occurred_at
    from {{ events }}
    where event_name = 'Order Completed'
{% endmacro %}


{#- CTEs ending in `contact_opens`: per account, the distinct `opened` events of
    stg_raw__email_events in the last `days` days whose user_id or email is that of one of the
    account's contacts in int_crm_contacts_resolved (one equality join on typed keys). The
    macro imports both itself, as `crm_contacts` and `email_events`. -#}
{% macro recount_contact_email_opens(days) %}
    crm_contacts as (
        select * from {{ ref('int_crm_contacts_resolved') }}
    ),

    email_events as (
        select * from {{ ref('stg_raw__email_events') }}
    ),

    contact_keys as (
        select distinct
            account_id,
            'user_id' as key_type,
            user_id as key_value
        from crm_contacts
        where account_id is not null and user_id is not null
        union all
        select distinct
            account_id,
            'email' as key_type,
            email as key_value
        from crm_contacts
        where account_id is not null and email is not null
    ),

    window_opens as (
        select
            email_event_id,
            user_id,
            email
        from email_events
        where event_type = 'opened'
            and {{ recount_window('occurred_at', days) }}
    ),

    open_keys as (
        select
            email_event_id,
            'user_id' as key_type,
            user_id as key_value
        from window_opens
        where user_id is not null
        union all
        select
            email_event_id,
            'email' as key_type,
            email as key_value
        from window_opens
        where email is not null
    ),

    contact_opens as (
        select
            contact_keys.account_id,
            count(distinct open_keys.email_event_id) as contact_email_opens
        from open_keys
        inner join contact_keys
            on open_keys.key_type = contact_keys.key_type
                and open_keys.key_value = contact_keys.key_value
        group by contact_keys.account_id
    )
{% endmacro %}


{#- A CTE body comparing `audience` with the recounted `expected` on `key`: one row per member
    breaking the rule, per rule-satisfying `entity` missing, and per member whose carried
    facts differ (labelled `differ_problem`); `comparisons` lists the audience's columns, or
    (audience column, recounted column) pairs where the names differ, `conditions` any other
    SQL that is true for a member whose facts differ, reading the tables that `joins` (SQL
    after the full outer join) adds. -#}
{% macro recount_problems(
    key, entity, comparisons=[], differ_problem='carried facts differ from the recount',
    conditions=[], joins=none
) %}
    select
        coalesce(audience.{{ key }}, expected.{{ key }}) as {{ key }},
        case
            when expected.{{ key }} is null then 'member breaks the rule'
            when audience.{{ key }} is null then 'rule-satisfying {{ entity }} missing'
            else '{{ differ_problem }}'
        end as problem
    from audience
    full outer join expected
        on audience.{{ key }} = expected.{{ key }}
    {%- if joins %}
    {{ joins }}
    {%- endif %}
    where audience.{{ key }} is null
        or expected.{{ key }} is null
        {%- for comparison in comparisons %}
            {%- set pair = [comparison, comparison] if comparison is string else comparison %}
        or audience.{{ pair[0] }} is distinct from expected.{{ pair[1] }}
        {%- endfor %}
        {%- for condition in conditions %}
        or {{ condition }}
        {%- endfor %}
{% endmacro %}

{#- The import CTEs of a singular test, without a trailing comma: one `select *` CTE per entry
    of ctes, {cte name: model name}, in order. Each is inlined (inline_cte): a recount reads
    `events` (the int_events_identified view, every event) in two CTEs, each through its own
    filter (a window, one event name), and DuckDB would otherwise first store every event with
    all its columns, which was four fifths of the product sharers' recount. -#}
{% macro recount_import_ctes(ctes) %}
    {%- for name, model in ctes.items() %}
{{ name }} as {{ inline_cte() }} (
    select * from {{ ref(model) }}
){{ ',' if not loop.last }}
{% endfor -%}
{% endmacro %}
