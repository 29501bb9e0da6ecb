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
