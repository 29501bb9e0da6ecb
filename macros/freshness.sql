{#- The loaded-at query of a raw table that no pipeline stamps with a receive time: when the
    newest batch that delivered `table_name` was loaded (raw._load_batches, written by
    `audiences load` and by the generator). A batch that brought the table's file counts even
    with no new rows: an export with nothing new is still a delivery. -#}
{% macro latest_batch_loaded_at(table_name) -%}
    select max(batches.loaded_at)
    from raw._load_batches as batches
    inner join raw._load_batch_tables as batch_tables
        on batches.batch_id = batch_tables.batch_id
    where batch_tables.table_name = '{{ table_name }}'
{%- endmacro %}
