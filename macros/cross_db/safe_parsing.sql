{#- A cast that yields null instead of failing when the value does not convert. dbt.safe_cast
    is a plain cast() on dbt-duckdb and dbt-spark (Spark 4 runs ANSI mode), so one "19,90"
    would fail the whole build; models call this, or the parse_* macros below, instead. -#}
{% macro try_cast_to(expression, data_type) -%}
    {{ return(adapter.dispatch('try_cast_to', 'audiences')(expression, data_type)) }}
{%- endmacro %}

{#- DuckDB and Spark (3.2 on) both spell it try_cast; an engine that does not (BigQuery's
    safe_cast, Snowflake's try_to_*) adds its own implementation here. -#}
{% macro default__try_cast_to(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{#- A number sent as a number or as text: null when empty, missing or unreadable ("19,90", "abc").
    Pair it with is_unparseable() to tell an unreadable value from an absent one. -#}
{% macro parse_number(expression) -%}
    {{ try_cast_to_numeric(clean_text(expression)) }}
{%- endmacro %}

{#- try_cast_to(expression, dbt.type_numeric()): the type of every amount. -#}
{% macro try_cast_to_numeric(expression) -%}
    {{ return(adapter.dispatch('try_cast_to_numeric', 'audiences')(expression)) }}
{%- endmacro %}

{#- DuckDB holds a decimal of more than 18 digits in a 128-bit integer and reads text into it
    about twenty times slower than into one of 18 digits (a 64-bit integer): a tenth of the time
    of base_raw__events. So a value is read at the same scale into 18 digits first (the same
    parser and rounding, so the same value), and only one too large for that is read again
    into the wide type. -#}
{% macro default__try_cast_to_numeric(expression) -%}
    {%- if dbt.type_numeric() | lower | replace(' ', '') in ['numeric(28,6)', 'decimal(28,6)'] -%}
        cast(coalesce(
            {{ try_cast_to(expression, 'numeric(18, 6)') }},
            {{ try_cast_to(expression, dbt.type_numeric()) }}
        ) as {{ dbt.type_numeric() }})
    {%- else -%}
        {{ try_cast_to(expression, dbt.type_numeric()) }}
    {%- endif -%}
{%- endmacro %}

{% macro spark__try_cast_to_numeric(expression) -%}
    {{ try_cast_to(expression, dbt.type_numeric()) }}
{%- endmacro %}

{#- A whole number; null when empty or unreadable, and also for a fraction such as 7.5 (DuckDB
    would round it to 8, and a score or a count with a fraction is a broken value, not a
    rounding matter). -#}
{% macro parse_integer(expression) -%}
    case
        when {{ parse_number(expression) }} = floor({{ parse_number(expression) }})
            then {{ try_cast_to(parse_number(expression), dbt.type_int()) }}
    end
{%- endmacro %}

{#- A flag: true/false, 1/0, yes/no in any case and padding, as JSON booleans, numbers or text;
    null (unknown) for anything else, such as "off" or "maybe". -#}
{% macro parse_boolean(expression) -%}
    case
        when lower({{ clean_text(expression) }}) in ('true', '1', 'yes') then true
        when lower({{ clean_text(expression) }}) in ('false', '0', 'no') then false
    end
{%- endmacro %}

{#- A calendar date (YYYY-MM-DD, or a timestamp's date); null when empty or unreadable. -#}
{% macro parse_date(expression) -%}
    {{ try_cast_to(clean_text(expression), 'date') }}
{%- endmacro %}

{#- True when a value was sent (non-empty text) but its parsed form is null: the row carries a
    value staging cannot read, which must be quarantined rather than silently nulled. -#}
{% macro is_unparseable(raw_expression, parsed_expression) -%}
    ({{ clean_text(raw_expression) }} is not null and {{ parsed_expression }} is null)
{%- endmacro %}
