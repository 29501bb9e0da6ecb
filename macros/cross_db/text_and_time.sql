{#- Replace every match of a regular expression (DuckDB replaces only the first without 'g'). -#}
{% macro regexp_replace_all(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'audiences')(expression, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro spark__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}

{#- An ISO-8601 text or a timestamp, with or without a UTC offset, as a UTC timestamp without
    time zone; null when it does not parse. Text without an offset is taken as UTC (the
    session time zone of the profile is UTC). An ISO-8601 time starts with its year's digit:
    anything else is null, so the words both engines' casts accept for special instants
    (`epoch` = 1970-01-01, `infinity`, `-infinity`, `now`, `today`) are unparseable, not times. -#}
{% macro parse_timestamp_utc(expression) -%}
    case
        when substr({{ clean_text(expression) }}, 1, 1) between '0' and '9'
            then {{ adapter.dispatch('parse_timestamp_utc', 'audiences')(expression) }}
    end
{%- endmacro %}

{% macro default__parse_timestamp_utc(expression) -%}
    cast(timezone('UTC', try_cast(cast({{ expression }} as varchar) as timestamptz)) as timestamp)
{%- endmacro %}

{% macro spark__parse_timestamp_utc(expression) -%}
    to_utc_timestamp(try_cast(cast({{ expression }} as string) as timestamp), current_timezone())
{%- endmacro %}

{#- A raw column's value as a UTC timestamp, like parse_timestamp_utc, without a round trip
    through text when the column is typed TIMESTAMP (received_at is, by the raw contract):
    formatting and re-parsing each of 10M values cost about 5 s per column and pass. The value
    is the same as the text round trip's: a finite time of year 1 or later is itself, anything
    else (DuckDB's `infinity`, `-infinity`, a BC year) null. A column of any other type (a raw
    table made by another tool, text) is parsed. Decided when the model compiles, from the
    column's type in the warehouse. -#}
{% macro raw_timestamp_utc(relation, column_name, qualifier=none) -%}
    {%- set expression = (qualifier ~ '.' if qualifier else '') ~ column_name -%}
    {%- if is_typed_timestamp(relation, column_name) -%}
        {{ adapter.dispatch('typed_timestamp_utc', 'audiences')(expression) }}
    {%- else -%}
        {{ parse_timestamp_utc(expression) }}
    {%- endif -%}
{%- endmacro %}

{#- Whether a raw column is typed TIMESTAMP in the warehouse (false for a unit test's given
    rows, which stand in for the source as a CTE: nothing to look up). -#}
{% macro is_typed_timestamp(relation, column_name) -%}
    {%- set column_types = {} -%}
    {%- if execute and not relation.identifier.startswith('__dbt__cte__') -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do column_types.update({column.name | lower: column.data_type | lower}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(column_types.get(column_name | lower) in ['timestamp', 'timestamp without time zone']) }}
{%- endmacro %}

{% macro default__typed_timestamp_utc(expression) -%}
    case
        when isfinite({{ expression }}) and {{ expression }} >= cast('0001-01-01' as timestamp)
            then {{ expression }}
    end
{%- endmacro %}

{#- Spark's timestamps are finite, of year 1 or later, and the session time zone is UTC. -#}
{% macro spark__typed_timestamp_utc(expression) -%}
    {{ expression }}
{%- endmacro %}

{#- Trimmed text, with empty strings as null: ids and enums arrive as '' from CSV exports. -#}
{% macro clean_text(expression) -%}
    {{ return(adapter.dispatch('clean_text', 'audiences')(expression)) }}
{%- endmacro %}

{% macro default__clean_text(expression) -%}
    nullif(trim(cast({{ expression }} as {{ dbt.type_string() }})), '')
{%- endmacro %}

{#- The same value as the default, without copying the text when trim would return it as it is:
    DuckDB's trim copies every string it returns, which cost about 1 s per column and pass over
    10M ids (4 s of the 10M events' join to their repeated ids). Its trim removes the Unicode
    space separators, which are ' ' or not ASCII, so a text of ASCII characters only
    (strlen, its bytes, not above length, its characters) that neither starts nor ends with ' '
    is trimmed already. -#}
{% macro duckdb__clean_text(expression) -%}
    {%- set text = 'cast(' ~ expression ~ ' as ' ~ dbt.type_string() ~ ')' -%}
    {#- rendered on one line, like the default, so that callers' layout (sqlfluff) is unchanged -#}
    {{- 'case when ' ~ text ~ " like ' %' or " ~ text ~ " like '% '"
        ~ ' or strlen(' ~ text ~ ') > length(' ~ text ~ ')'
        ~ " then nullif(trim(" ~ text ~ "), '') else nullif(" ~ text ~ ", '') end" -}}
{%- endmacro %}

{#- Lower-cased clean text, for enums and emails that arrive in any case. -#}
{% macro clean_lower_text(expression) -%}
    lower({{ clean_text(expression) }})
{%- endmacro %}

{#- The key an event-name variant is matched on: lower case, runs of spaces, underscores and
    hyphens collapsed to one space (`PRODUCT_VIEWED`, `product-viewed` -> `product viewed`). -#}
{% macro event_name_key(expression) -%}
    trim(lower({{ regexp_replace_all(expression, '[ _-]+', ' ') }}))
{%- endmacro %}

{#- The values of a group as one text, sorted ascending, so that a list is the
    same on every run (reverse-ETL syncs see no false changes). dbt.listagg cannot promise
    that: dbt-spark ignores its order by. -#}
{% macro sorted_listagg(measure, delimiter_text) -%}
    {{ return(adapter.dispatch('sorted_listagg', 'audiences')(measure, delimiter_text)) }}
{%- endmacro %}

{% macro default__sorted_listagg(measure, delimiter_text) -%}
    {{ dbt.listagg(measure, delimiter_text, 'order by ' ~ measure) }}
{%- endmacro %}

{% macro spark__sorted_listagg(measure, delimiter_text) -%}
    array_join(array_sort(collect_list({{ measure }})), {{ delimiter_text }})
{%- endmacro %}

{#- The values of a group as one text in the order of `rank_column`, ascending: a rank that is
    distinct within each group (a row_number()), given by the caller, who also cuts the list
    to its first rows before grouping (the payload lists: newest first, at most
    payload_list_max_items, macro newest_first_list). Null values are left out. dbt.listagg
    cannot promise the order: dbt-spark ignores its order by. -#}
{% macro ranked_listagg(measure, rank_column, delimiter_text) -%}
    {{ return(adapter.dispatch('ranked_listagg', 'audiences')(measure, rank_column, delimiter_text)) }}
{%- endmacro %}

{#- DuckDB, Postgres, Snowflake...: string_agg / listagg with an order by the rank. -#}
{% macro default__ranked_listagg(measure, rank_column, delimiter_text) -%}
    {{ dbt.listagg(measure, delimiter_text, 'order by ' ~ rank_column) }}
{%- endmacro %}

{#- Spark: collect_list gathers the group's (rank, value) pairs in no defined order;
    sort_array sorts structs field by field, so by the rank first, and as the ranks of a group
    are distinct the value never decides; transform keeps the values in that order and
    array_join joins them, skipping nulls (no null replacement given), as string_agg does. -#}
{% macro spark__ranked_listagg(measure, rank_column, delimiter_text) -%}
    array_join(
        transform(
            sort_array(collect_list(named_struct('list_rank', {{ rank_column }}, 'list_value', {{ measure }}))),
            list_item -> list_item.list_value
        ),
        {{ delimiter_text }}
    )
{%- endmacro %}
