{#- Redeliveries: among the usable rows of each key (no quarantine reason), the first by
    `order_by` is kept and the others are flagged `is_duplicate`; quarantined rows are never
    duplicates and never win. -#}

{#- A row's place among the deliveries of its key (1 = the one kept). -#}
{% macro delivery_number(partition_by, order_by) -%}
    row_number() over (
        partition by {{ partition_by }}, quarantine_reason is null
        order by {{ order_by }}
    )
{%- endmacro %}

{#- The closing CTEs of a base model, `ranked` and `final`: `delivery_number` and `is_duplicate`
    for every row of `from_cte`, by a window over all of them. -#}
{% macro flag_duplicates(from_cte, partition_by, order_by) %}
ranked as (
    select
        *,
        {{ delivery_number(partition_by, order_by) }} as delivery_number
    from {{ from_cte }}
),

final as (
    select
        *,
        quarantine_reason is null and delivery_number > 1 as is_duplicate
    from ranked
)
{% endmacro %}

{#- number_raw_rows and flag_duplicates in one, for a large raw table whose rows carry
    `raw_row_hash` (macro raw_row_hash) and a boolean column `has_repeated_key`: true when the
    row's key occurs more than once in the raw table or is null, where the key (`partition_by`)
    is shared by identical raw rows. A row whose key occurs once is the only copy of itself
    and the only delivery of its key ('<hash>-1', delivery 1, not a duplicate), so the windows
    run over the rows of repeated keys alone, a few percent, instead of sorting the table.
    Renders `single_deliveries`, `repeated_deliveries`, `ranked_deliveries` and `deliveries`
    (every row of `from_cte` with raw_row_id, delivery_number and is_duplicate). `from_cte` is
    read twice: declare it, and the CTEs it reads, inline_cte(). (Two different raw rows whose
    texts hash alike, possible only through a '|' or '<null>' inside a value, would share an id
    here unless their key repeats; the unique test on raw_row_id would say so.)
    `has_earlier_delivery`, when given, is a boolean column: the key already has a usable
    delivery outside `from_cte`, received before all of its rows (an incremental run), so each
    usable row is a duplicate; such rows must count as repeated. -#}
{% macro number_and_flag_deliveries(from_cte, has_repeated_key, partition_by, order_by, has_earlier_delivery=none) %}
single_deliveries as (
    select
        *,
        {{ raw_row_id('raw_row_hash', '1') }} as raw_row_id,
        1 as delivery_number,
        false as is_duplicate
    from {{ from_cte }}
    where not {{ has_repeated_key }}
),

repeated_deliveries as (
    select
        *,
        {{ raw_row_id('raw_row_hash', 'row_number() over (partition by raw_row_hash order by raw_row_hash)') }} as raw_row_id,
        {{ delivery_number(partition_by, order_by) }} as delivery_number
    from {{ from_cte }}
    where {{ has_repeated_key }}
),

ranked_deliveries as (
    select
        *,
        quarantine_reason is null
        and (
            delivery_number > 1
            {%- if has_earlier_delivery %} or {{ has_earlier_delivery }}{% endif %}
        ) as is_duplicate
    from repeated_deliveries
),

deliveries as (
    select * from single_deliveries
    union all
    select * from ranked_deliveries
)
{% endmacro %}

{#- The key CTEs number_and_flag_deliveries needs, for a large raw table read as `source` and
    keyed by `key` (event_id, email_event_id): `repeated_<key>s`, the keys received more than
    once, and on an incremental run (restage_from, macro restage_from_day) also
    `earlier_delivered_<key>s`, the keys delivered, usable, on a day before the days
    re-staged. Renders the CTEs, each followed by a comma. -#}
{% macro repeated_key_ctes(key, restage_from, source='source') %}
-- the {{ key | replace('_', ' ') }}s received more than once: only their rows can be copies or redeliveries
repeated_{{ key }}s as (
    select {{ clean_text(key) }} as {{ key }}
    from {{ source }}
    group by {{ clean_text(key) }}
    having count(*) > 1
),

{% if restage_from -%}
    -- the {{ key | replace('_', ' ') }}s delivered, usable, on a day before the days re-staged
    earlier_delivered_{{ key }}s as (
        select distinct {{ key }}
        from {{ this }}
        where
            received_on < {{ restage_from }}
            and quarantine_reason is null
            and {{ key }} in (select {{ clean_text(key) }} from {{ source }})
    ),

{% endif -%}
{% endmacro %}

{#- Two select items over `source` joined by repeated_key_joins: `has_repeated_<key>` (the key
    is missing, repeated or delivered earlier: such rows are numbered too) and
    `has_earlier_delivery`. -#}
{% macro repeated_key_flags(key, restage_from, source='source') -%}
    {{ clean_text(source ~ '.' ~ key) }} is null
        or repeated_{{ key }}s.{{ key }} is not null
        {%- if restage_from %}
            or earlier_delivered_{{ key }}s.{{ key }} is not null
        {%- endif %} as has_repeated_{{ key }},
        {{ 'earlier_delivered_' ~ key ~ 's.' ~ key ~ ' is not null' if restage_from else 'false' }}
            as has_earlier_delivery
{%- endmacro %}

{#- The left joins of `source` to the CTEs of repeated_key_ctes. -#}
{% macro repeated_key_joins(key, restage_from, source='source') -%}
    left join repeated_{{ key }}s
        on {{ clean_text(source ~ '.' ~ key) }} = repeated_{{ key }}s.{{ key }}
    {%- if restage_from %}
        left join earlier_delivered_{{ key }}s
            on {{ clean_text(source ~ '.' ~ key) }} = earlier_delivered_{{ key }}s.{{ key }}
    {%- endif %}
{%- endmacro %}
