{#- The lowercase hex SHA-256 of a text (64 characters); null stays null. The same digest on
    every engine, so a hash stored by one build matches a hash computed by the next, and an
    identifier can be kept or matched without keeping it in the clear. -#}
{% macro sha256_hex(expression) -%}
    {{ return(adapter.dispatch('sha256_hex', 'audiences')(expression)) }}
{%- endmacro %}

{% macro default__sha256_hex(expression) -%}
    sha256(cast({{ expression }} as {{ dbt.type_string() }}))
{%- endmacro %}

{% macro spark__sha256_hex(expression) -%}
    sha2(cast({{ expression }} as {{ dbt.type_string() }}), 256)
{%- endmacro %}

{#- The hash an email is kept and matched by: sha256_hex of the address trimmed and lowercased,
    the identifier the major ad platforms specify (../shared/spec/audiences.md, Ad lists).
    Null stays null. -#}
{% macro email_sha256(expression) -%}
    {{ sha256_hex('lower(trim(' ~ expression ~ '))') }}
{%- endmacro %}

{#- A 64-bit hash of the values of `columns` (a list of SQL expressions) together, nulls
    included, for finding candidate repeats cheaply: equal values hash alike, but different
    values may too, so a reader compares the values themselves among the rows whose hash
    repeats. Not the same on every engine: never store it. -#}
{% macro fast_hash(columns) -%}
    {{ return(adapter.dispatch('fast_hash', 'audiences')(columns)) }}
{%- endmacro %}

{% macro default__fast_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__fast_hash(columns) -%}
    xxhash64({{ columns | join(', ') }})
{%- endmacro %}

{#- Whether a generic test's `model` is a table in the warehouse (not a view, nor a subquery
    from a `where` config): a test that reads its model twice to group a hash first (macro
    fast_hash) does so by default only over a table, since each read of a view computes it
    again (unique_in_restaged_days' `hash_first` overrides it for a view that is a cheap
    filter of a table). -#}
{% macro is_stored_table(model) -%}
    {%- if not execute or model.identifier is not defined or model.identifier is none -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set relation = adapter.get_relation(
        database=model.database, schema=model.schema, identifier=model.identifier
    ) -%}
    {{ return(relation is not none and relation.type == 'table') }}
{%- endmacro %}
