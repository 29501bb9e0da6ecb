{#- The closing CTEs of every base model: among the usable rows of each key (no quarantine
    reason), the first by `order_by` is kept and the others are flagged `is_duplicate`;
    quarantined rows are never duplicates and never win. Renders `ranked` and `final`. -#}
{% macro flag_duplicates(from_cte, partition_by, order_by) %}
ranked as (
    select
        *,
        row_number() over (
            partition by {{ partition_by }}, quarantine_reason is null
            order by {{ order_by }}
        ) as delivery_number
    from {{ from_cte }}
),

final as (
    select
        *,
        quarantine_reason is null and delivery_number > 1 as is_duplicate
    from ranked
)
{% endmacro %}
