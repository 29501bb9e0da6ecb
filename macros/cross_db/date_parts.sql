{#- Hour of the day, 0-23, of a timestamp. -#}
{% macro hour_of_day(expression) -%}
    {{ return(adapter.dispatch('hour_of_day', 'audiences')(expression)) }}
{%- endmacro %}

{% macro default__hour_of_day(expression) -%}
    cast(extract(hour from {{ expression }}) as {{ dbt.type_int() }})
{%- endmacro %}

{#- ISO day of the week: 1 = Monday ... 7 = Sunday. -#}
{% macro iso_day_of_week(expression) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'audiences')(expression)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(expression) -%}
    cast(isodow({{ expression }}) as {{ dbt.type_int() }})
{%- endmacro %}

{% macro spark__iso_day_of_week(expression) -%}
    cast(((dayofweek({{ expression }}) + 5) % 7) + 1 as int)
{%- endmacro %}

{#- The start of the quarter hour a timestamp falls in. Every time zone's offset from UTC is a
    whole number of quarter hours, so an instant and its quarter hour's start have the same
    local hour and day in every zone. -#}
{% macro quarter_hour_start(expression) -%}
    {%- set minute = 'cast(extract(minute from ' ~ expression ~ ') as ' ~ dbt.type_int() ~ ')' -%}
    {{ dbt.dateadd('minute', '(' ~ minute ~ ' - ' ~ minute ~ ' % 15)', dbt.date_trunc('hour', expression)) }}
{%- endmacro %}

{#- Whole days between the dates of two timestamps (or dates). -#}
{% macro days_between(start_expression, end_expression) -%}
    {{ dbt.datediff('cast(' ~ start_expression ~ ' as date)', 'cast(' ~ end_expression ~ ' as date)', 'day') }}
{%- endmacro %}

{#- True when a timestamp falls in the last `days` days before as_of: as_of - days < t <= as_of
    (the spec's half-open window). -#}
{% macro in_last_days(expression, days) -%}
    ({{ expression }} > {{ dbt.dateadd('day', -1 * days, as_of()) }} and {{ expression }} <= {{ as_of() }})
{%- endmacro %}

{#- Days from as_of's date to the next anniversary of a date (0 on the day). A 29 February
    falls on 28 February in other years, as date arithmetic on years clamps it. -#}
{% macro days_until_anniversary(date_expression) -%}
    {%- set years_since = dbt.datediff(date_expression, 'cast(' ~ as_of() ~ ' as date)', 'year') -%}
    {#- parenthesized: dbt-spark's dateadd multiplies the interval text by 12 as it stands -#}
    {%- set this_year = dbt.dateadd('year', '(' ~ years_since ~ ')', date_expression) -%}
    {%- set next_year = dbt.dateadd('year', '(' ~ years_since ~ ' + 1)', date_expression) -%}
    case
        when cast({{ this_year }} as date) >= cast({{ as_of() }} as date)
            then {{ days_between(as_of(), this_year) }}
        else {{ days_between(as_of(), next_year) }}
    end
{%- endmacro %}

{#- Whole years from a date to as_of's date; the anniversary itself counts. -#}
{% macro whole_years_until_as_of(date_expression) -%}
    {%- set years_since = dbt.datediff(date_expression, 'cast(' ~ as_of() ~ ' as date)', 'year') -%}
    {{ years_since }} - case
        when cast({{ dbt.dateadd('year', '(' ~ years_since ~ ')', date_expression) }} as date) > cast({{ as_of() }} as date)
            then 1
        else 0
    end
{%- endmacro %}
