{#- The holdout bucket (0-99) of a member of an audience, from ../shared/spec/audiences.md
    (Serving): the first 8 hex digits of md5(audience_name || ':' || member_id) read as an
    integer, modulo 100. It depends on nothing but the two names, so it is the same on every
    engine, build and publish; a member is held out when it is below `holdout_pct`. -#}
{% macro holdout_bucket(audience_name, member_id) -%}
    {{ return(adapter.dispatch('holdout_bucket', 'audiences')(audience_name, member_id)) }}
{%- endmacro %}

{% macro default__holdout_bucket(audience_name, member_id) -%}
    cast(('0x' || substr(md5({{ audience_name }} || ':' || {{ member_id }}), 1, 8)) as bigint) % 100
{%- endmacro %}

{% macro spark__holdout_bucket(audience_name, member_id) -%}
    cast(conv(substr(md5(concat({{ audience_name }}, ':', {{ member_id }})), 1, 8), 16, 10) as bigint) % 100
{%- endmacro %}

{#- True when the member is in the audience's holdout group (var `holdout_pct`, 10). -#}
{% macro is_holdout(audience_name, member_id) -%}
    {{ holdout_bucket(audience_name, member_id) }} < {{ var('holdout_pct') }}
{%- endmacro %}
