{#- The reference instant of every time-relative rule (var `as_of`; default: the run's start,
    UTC). One literal for the whole run, so that a build is reproducible and a backfill is one
    flag: `dbt build --vars '{as_of: "2026-06-30 23:59:59"}'`.

    Accepted values (parse_as_of):
    - null or '': the run's start (run_started_at, UTC, whole seconds);
    - a date "YYYY-MM-DD" (or an unquoted YAML date, `--vars '{as_of: 2026-06-30}'`): the start
      of that day, 00:00:00 UTC (for the end of a day, give "YYYY-MM-DD 23:59:59");
    - a timestamp "YYYY-MM-DD HH:MM:SS" or "YYYY-MM-DDTHH:MM:SS", optionally with a fraction of
      up to 6 digits (".ffffff") and an offset "Z", "+HH:MM" or "-HH:MM" (or an unquoted YAML
      timestamp): without an offset it is UTC; with one it is converted to UTC
      ("2026-06-30T23:59:59+02:00" is 2026-06-30 21:59:59 UTC).
    Years 1900-2999. The SQL literal is written from the parsed value (strftime), never from the
    text given, so nothing typed into the var reaches the SQL. Anything else is a compilation
    error naming the var and these forms (validate_vars reports it before anything is built). -#}
{% macro as_of() -%}
    cast('{{ as_of_utc_string() }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}


{#- as_of normalized to UTC, 'YYYY-MM-DD HH:MM:SS' (with '.ffffff' only when a fraction was
    given): the string inside as_of()'s literal, e.g. for the publish step. -#}
{% macro as_of_utc_string() -%}
    {%- if not execute -%}
        {#- At parse time, check every var (validate_vars raises on any invalid one, as_of
            included): most models call as_of() before their own Jinja arithmetic on a var
            (`-1 * var(...)`, `var(...) - 1`), which would fail on a null or a string with a bare
            TypeError naming no var. The on-run-start hook checks them again before a run. -#}
        {%- do validate_vars() -%}
    {%- endif -%}
    {%- set parsed = parse_as_of(var('as_of', none)) -%}
    {%- if parsed.error is not none -%}
        {{- exceptions.raise_compiler_error(
            'var as_of: got ' ~ describe_var_value(var('as_of', none), 'as_of') ~ ' ('
            ~ parsed.error ~ '); allowed: ' ~ as_of_allowed_forms()) -}}
    {%- endif -%}
    {%- set fmt = '%Y-%m-%d %H:%M:%S.%f' if parsed.value.microsecond else '%Y-%m-%d %H:%M:%S' -%}
    {{- return(parsed.value.strftime(fmt)) -}}
{%- endmacro %}


{% macro as_of_allowed_forms() -%}
    {{- return(
        "null or '' (the run's start, UTC), a date YYYY-MM-DD (its start, 00:00:00 UTC), or a"
        ~ " timestamp YYYY-MM-DD HH:MM:SS or YYYY-MM-DDTHH:MM:SS[.ffffff], optionally ending in Z,"
        ~ " +HH:MM or -HH:MM (converted to UTC); years 1900-2999") -}}
{%- endmacro %}


{#- Parses an as_of value into {'value': a naive UTC datetime, 'error': none}, or
    {'value': none, 'error': what is wrong}. Never raises: validate_vars collects the error. -#}
{% macro parse_as_of(raw) -%}
    {%- set dt = modules.datetime -%}
    {%- set result = {'value': none, 'error': none} -%}

    {%- if raw is none or (raw is string and raw | trim == '') -%}
        {%- do result.update({'value': run_started_at.replace(tzinfo=none, microsecond=0)}) -%}

    {%- elif raw is string -%}
        {%- set match = modules.re.match(
            '^([0-9]{4})-([0-9]{2})-([0-9]{2})'
            ~ '(?:[T ]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:[.]([0-9]{1,6}))?'
            ~ '(Z|[+-][0-9]{2}:[0-9]{2})?)?$',
            raw | trim) -%}
        {%- if match is none -%}
            {%- do result.update({'error': 'not one of the accepted forms'}) -%}
        {%- else -%}
            {%- set g = match.groups() -%}
            {%- set year = g[0] | int -%}
            {%- set month = g[1] | int -%}
            {%- set day = g[2] | int -%}
            {%- set hour = (g[3] or '0') | int -%}
            {%- set minute = (g[4] or '0') | int -%}
            {%- set second = (g[5] or '0') | int -%}
            {%- set microsecond = ((g[6] or '') ~ '000000')[:6] | int -%}
            {%- set offset = g[7] or 'Z' -%}
            {%- set problems = [] -%}
            {%- if year < 1900 or year > 2999 -%}
                {%- do problems.append('year ' ~ year ~ ' is not in 1900-2999') -%}
            {%- endif -%}
            {%- if month < 1 or month > 12 -%}
                {%- do problems.append('month ' ~ month ~ ' is not in 1-12') -%}
            {%- elif problems | length == 0 -%}
                {%- set next_month = dt.date(year + (month // 12), month % 12 + 1, 1) -%}
                {%- set days_in_month = (next_month - dt.timedelta(days=1)).day -%}
                {%- if day < 1 or day > days_in_month -%}
                    {%- do problems.append(
                        'day ' ~ day ~ ' is not in 1-' ~ days_in_month ~ ' for ' ~ g[0] ~ '-' ~ g[1]) -%}
                {%- endif -%}
            {%- endif -%}
            {%- if hour > 23 or minute > 59 or second > 59 -%}
                {%- do problems.append(
                    'time ' ~ g[3] ~ ':' ~ g[4] ~ ':' ~ g[5] ~ ' is not in 00:00:00-23:59:59') -%}
            {%- endif -%}
            {%- set offset_minutes = 0 -%}
            {%- if offset != 'Z' -%}
                {%- set offset_hours = offset[1:3] | int -%}
                {%- set offset_mins = offset[4:6] | int -%}
                {%- if offset_hours > 23 or offset_mins > 59 -%}
                    {%- do problems.append('offset ' ~ offset ~ ' is not in -23:59 to +23:59') -%}
                {%- endif -%}
                {%- set sign = -1 if offset[0] == '-' else 1 -%}
                {%- set offset_minutes = sign * (offset_hours * 60 + offset_mins) -%}
            {%- endif -%}
            {%- if problems | length > 0 -%}
                {%- do result.update({'error': problems | join(', ')}) -%}
            {%- else -%}
                {%- set local = dt.datetime(year, month, day, hour, minute, second, microsecond) -%}
                {%- do result.update({'value': local - dt.timedelta(minutes=offset_minutes)}) -%}
            {%- endif -%}
        {%- endif -%}

    {%- elif raw is not boolean and raw is not number and raw is not mapping and raw.year is defined
        and raw.month is defined and raw.day is defined -%}
        {#- A YAML date or timestamp (unquoted in --vars or dbt_project.yml). -#}
        {%- if raw.year < 1900 or raw.year > 2999 -%}
            {%- do result.update({'error': 'year ' ~ raw.year ~ ' is not in 1900-2999'}) -%}
        {%- elif raw.hour is defined -%}
            {%- set offset = raw.utcoffset() -%}
            {%- set naive = raw.replace(tzinfo=none) -%}
            {%- do result.update({'value': naive - offset if offset is not none else naive}) -%}
        {%- else -%}
            {%- do result.update({'value': dt.datetime(raw.year, raw.month, raw.day)}) -%}
        {%- endif -%}

    {%- else -%}
        {%- do result.update({'error': 'not a string, date or timestamp'}) -%}
    {%- endif -%}
    {{- return(result) -}}
{%- endmacro %}


{#- `dbt run-operation print_as_of [--vars '{as_of: ...}']` prints as_of in UTC,
    'YYYY-MM-DD HH:MM:SS'; with `--args '{literal: true}'` the SQL literal the models get. -#}
{% macro print_as_of(literal=false) -%}
    {{- print(as_of() if literal else as_of_utc_string()) -}}
{%- endmacro %}
