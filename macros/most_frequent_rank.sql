{#- Rank of a value among a partition's values for "most frequent" traits: the highest count
    first; ties go to the value seen most recently, then to the smallest value. Rank 1 wins. -#}
{% macro most_frequent_rank(partition_column, value_column, count_column, last_seen_column) -%}
    row_number() over (
        partition by {{ partition_column }}
        order by {{ count_column }} desc, {{ last_seen_column }} desc, {{ value_column }} asc
    )
{%- endmacro %}
