{#- Event staging is incremental by day of receipt. The event models (base_raw__events,
    base_raw__email_events and the staging models over them) are partitioned by `received_on`,
    the UTC day a row's received_at falls on. A run re-stages whole days, from the newest day
    already staged minus var('event_restage_days') on, and replaces exactly those days
    (delete+insert by received_on on DuckDB, a dynamic partition overwrite on Spark), so:
    - a rerun, or a batch loaded twice, never counts a row twice;
    - a late event (received today, occurred last week) is staged today and counts on the day
      it occurred, since every trait reads occurred_at;
    - a row received before the re-staged days but loaded only now is missed: the row-accounting
      test (tests/staging/assert_raw_rows_are_all_accounted_for.sql) then fails, and
      `dbt build --full-refresh` (or a larger event_restage_days) stages it. The same holds after
      raw rows were removed or changed by hand; `scripts/load_raw.py --replace-all` and the
      generator drop these tables instead (scripts/raw_contract.py), so the next run stages
      the new raw whole.
    A row whose received_at does not parse (quarantined) belongs to no day; it is kept in
    received_on 9999-12-31, re-staged on every run. -#}

{#- The day of receipt of a typed `received_at` expression; 9999-12-31 when it is null. -#}
{% macro received_on(received_at) -%}
    coalesce(cast({{ received_at }} as date), cast('9999-12-31' as date))
{%- endmacro %}

{#- Whether raw `column_name` of `relation` (received_at) falls on `first_day` (a SQL date
    literal) or later, by received_on. A column typed TIMESTAMP also gets the same test as a plain
    comparison of the column, which DuckDB checks against each row group's min and max before
    reading any other column: loads arrive in received_at order, so a daily run skips all but
    the newest row groups instead of reading every raw row whole. (A time before year 1 or an
    infinite one is null as a received_at, and received_on of null is 9999-12-31: kept.) -#}
{% macro received_since(relation, column_name, first_day) -%}
    {%- if is_typed_timestamp(relation, column_name) -%}
        ({{ column_name }} >= cast({{ first_day }} as timestamp) or {{ column_name }} < cast('0001-01-01' as timestamp) or {{ column_name }} is null) and {% endif -%}
    {{ received_on(raw_timestamp_utc(relation, column_name)) }} >= {{ first_day }}
{%- endmacro %}

{#- The config of a model partitioned by received_on. -#}
{% macro received_days_strategy() -%}
    {{ return('insert_overwrite' if target.type == 'spark' else 'delete+insert') }}
{%- endmacro %}

{% macro received_days_partitions() -%}
    {{ return(['received_on'] if target.type == 'spark' else none) }}
{%- endmacro %}

{#- The whole config of a model incremental by day of receipt, called at the top of the model
    in place of config(): re-stages whole received_on days, fails on a schema change, and
    records the days it re-stages (record_restaged_days). -#}
{% macro received_days_config() -%}
    {{ config(
        materialized='incremental',
        unique_key='received_on',
        incremental_strategy=received_days_strategy(),
        partition_by=received_days_partitions(),
        on_schema_change='fail',
        tags=['received_days'],
        pre_hook="{{ record_restaged_days() }}",
    ) }}
{%- endmacro %}

{#- The first day this run re-stages, as a SQL date literal, or none when the model is built
    whole (first run, --full-refresh, or an empty table). The newest day is taken from the days
    up to today (UTC), so that one received_at typed years ahead does not stop the staging of
    every later load (such a row is re-staged on every run instead). -#}
{% macro restage_from_day() -%}
    {%- if not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {#- A table built before the staging was incremental has no received_on: select everything,
        and dbt's on_schema_change='fail' then asks for the --full-refresh it needs. -#}
    {%- set staged_columns = adapter.get_columns_in_relation(this) | map(attribute='name')
        | map('lower') | list -%}
    {%- if 'received_on' not in staged_columns -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set today = modules.datetime.datetime.now(modules.pytz.utc).date().isoformat() -%}
    {%- set newest_day_query -%}
        select cast(max(received_on) as {{ dbt.type_string() }}) as newest_day
        from {{ this }}
        where received_on <= cast('{{ today }}' as date)
    {%- endset -%}
    {%- set newest_day = run_query(newest_day_query).columns[0].values()[0] -%}
    {%- if newest_day is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set first_day = modules.datetime.date.fromisoformat((newest_day | string)[:10])
        - modules.datetime.timedelta(days=var('event_restage_days')) -%}
    {{ return("cast('" ~ first_day.isoformat() ~ "' as date)") }}
{%- endmacro %}

{#- The data tests of the event staging check what a run wrote, not all history again: before
    it runs, each model of tag `received_days` records the first day it re-stages (null when it
    is built whole) in one small table, and the tests that would otherwise read every row
    (unique_in_restaged_days, unique_combination_of_columns with `restaged_by`) read it back.
    So a full build tests every row, a daily build the re-staged days, and `dbt test` alone
    the days the last run wrote. Spark keeps no record: its tests read every row. -#}
{% macro restaged_days_log() -%}
    {{ return(api.Relation.create(
        database=target.database, schema=target.schema, identifier='received_days_restaged'
    )) }}
{%- endmacro %}

{#- A pre-hook of each model of tag `received_days`. -#}
{% macro record_restaged_days() -%}
    {{ return(adapter.dispatch('record_restaged_days', 'audiences')()) }}
{%- endmacro %}

{#- An on-run-start hook: created here, once, because two dbt threads creating it in their
    pre-hooks at the same moment conflict. -#}
{% macro create_restaged_days_log() -%}
    {{ return(adapter.dispatch('create_restaged_days_log', 'audiences')()) }}
{%- endmacro %}

{% macro default__create_restaged_days_log() -%}
    create schema if not exists {{ restaged_days_log().schema }};
    create table if not exists {{ restaged_days_log() }} (
        model_name {{ dbt.type_string() }},
        first_restaged_day date
    )
{%- endmacro %}

{% macro spark__create_restaged_days_log() -%}
{%- endmacro %}

{% macro default__record_restaged_days() -%}
    {%- set first_day = restage_from_day() -%}
    delete from {{ restaged_days_log() }} where model_name = '{{ this.identifier }}';
    insert into {{ restaged_days_log() }} values ('{{ this.identifier }}', {{ first_day or 'null' }})
{%- endmacro %}

{% macro spark__record_restaged_days() -%}
{%- endmacro %}

{#- At test time: the first day `model_name`'s last run re-staged, as a SQL date literal, or none
    when it was built whole or left no record (every row is then tested). -#}
{% macro last_restaged_day(model_name) -%}
    {{ return(adapter.dispatch('last_restaged_day', 'audiences')(model_name)) }}
{%- endmacro %}

{% macro default__last_restaged_day(model_name) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set log = adapter.get_relation(
        database=restaged_days_log().database,
        schema=restaged_days_log().schema,
        identifier=restaged_days_log().identifier,
    ) -%}
    {%- if log is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set recorded_query -%}
        select cast(first_restaged_day as {{ dbt.type_string() }}) as first_restaged_day
        from {{ log }}
        where model_name = '{{ model_name }}'
    {%- endset -%}
    {%- set recorded = run_query(recorded_query).columns[0].values() -%}
    {%- if recorded | length == 0 or recorded[0] is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return("cast('" ~ (recorded[0] | string)[:10] ~ "' as date)") }}
{%- endmacro %}

{% macro spark__last_restaged_day(model_name) -%}
    {{ return(none) }}
{%- endmacro %}

{#- The closing columns of an event base model (base_raw__events, base_raw__email_events), from
    its `deliveries` CTE: its quarantine and redelivery, then its day of receipt. -#}
{% macro quarantine_and_received_on_columns() -%}
    -- quarantine and redelivery
        record_id,
        quarantine_reason,
        quarantine_detail,
        is_duplicate,

        -- the day of receipt: the partition an incremental run replaces
        {{ received_on('received_at') }} as received_on
{%- endmacro %}
