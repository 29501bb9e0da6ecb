{#- A UTC timestamp (without time zone, as every timestamp of this project) as the wall-clock
    time in an IANA time zone, again without time zone: what a clock there showed at that
    instant, daylight saving time included. The zone must be one the engine knows (DuckDB fails
    the query on an unknown one): callers take it from the time_zones seed.

    DuckDB (ICU, built in): timezone('UTC', <timestamp>) reads the timestamp as UTC and gives
    the instant (TIMESTAMPTZ); timezone(<zone>, <timestamptz>) gives that instant's local time
    (TIMESTAMP). Given a TIMESTAMP, timezone(<zone>, ...) would do the opposite (read it as
    local time), so the value is cast to TIMESTAMP first and neither step depends on the
    session's TimeZone setting.
    Spark: from_utc_timestamp(<timestamp>, <zone>) shifts a UTC time to the zone's local time. -#}
{% macro utc_to_local_time(expression, time_zone) -%}
    {{ return(adapter.dispatch('utc_to_local_time', 'audiences')(expression, time_zone)) }}
{%- endmacro %}

{% macro default__utc_to_local_time(expression, time_zone) -%}
    timezone({{ time_zone }}, timezone('UTC', cast({{ expression }} as timestamp)))
{%- endmacro %}

{% macro spark__utc_to_local_time(expression, time_zone) -%}
    from_utc_timestamp({{ expression }}, {{ time_zone }})
{%- endmacro %}
