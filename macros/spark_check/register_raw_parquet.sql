{#- For scripts/spark_check.py: make `raw.<table>` on the current target an external table over
    `<directory>/<table>/`, the parquet the check exported from DuckDB, so Spark reads the same
    raw rows. Run with `dbt run-operation register_raw_parquet --args ...`. -#}
{% macro register_raw_parquet(directory, tables) %}
    {% do run_query('create database if not exists raw') %}
    {% for table in tables %}
        {% do run_query('drop table if exists raw.' ~ table) %}
        {% do run_query(
            'create table raw.' ~ table ~ " using parquet location '" ~ directory ~ '/' ~ table ~ "'"
        ) %}
        {% do log('registered raw.' ~ table, info=true) %}
    {% endfor %}
{% endmacro %}
