{#- JSON handling differs per engine; models call these and never an engine's JSON functions. -#}

{#- Text value of a top-level key of a JSON object held as text (numbers and booleans come back
    as their text, so `"19.90"` and `19.9` both cast to a number). Null for a missing key.
    `keys`, when given, lists every key one select extracts from the same text (`key` among
    them): DuckDB then parses the text once for all of them instead of once per key (the
    common list of values is computed once per row), the same values. -#}
{% macro json_extract_scalar(json_text, key, keys=none) -%}
    {{ return(adapter.dispatch('json_extract_scalar', 'audiences')(json_text, key, keys)) }}
{%- endmacro %}

{% macro default__json_extract_scalar(json_text, key, keys=none) -%}
    {%- if keys -%}
        {%- set paths = [] -%}
        {%- for each_key in keys -%}{%- do paths.append("'$." ~ each_key ~ "'") -%}{%- endfor -%}
        list_extract(json_extract_string({{ json_text }}, [{{ paths | join(', ') }}]), {{ keys.index(key) + 1 }})
    {%- else -%}
        json_extract_string({{ json_text }}, '$.{{ key }}')
    {%- endif -%}
{%- endmacro %}

{% macro spark__json_extract_scalar(json_text, key, keys=none) -%}
    get_json_object({{ json_text }}, '$.{{ key }}')
{%- endmacro %}

{#- A JSON sub-document (object or array) of a key, as JSON text. -#}
{% macro json_extract_document(json_text, key) -%}
    {{ return(adapter.dispatch('json_extract_document', 'audiences')(json_text, key)) }}
{%- endmacro %}

{% macro default__json_extract_document(json_text, key) -%}
    cast(json_extract({{ json_text }}, '$.{{ key }}') as {{ dbt.type_string() }})
{%- endmacro %}

{% macro spark__json_extract_document(json_text, key) -%}
    get_json_object({{ json_text }}, '$.{{ key }}')
{%- endmacro %}

{#- True when the text parses as a JSON object; false for malformed JSON, arrays and scalars. -#}
{% macro is_json_object(json_text) -%}
    {{ return(adapter.dispatch('is_json_object', 'audiences')(json_text)) }}
{%- endmacro %}

{% macro default__is_json_object(json_text) -%}
    coalesce(case when json_valid({{ json_text }}) then json_type({{ json_text }}) = 'OBJECT' end, false)
{%- endmacro %}

{% macro spark__is_json_object(json_text) -%}
    (json_object_keys({{ json_text }}) is not null)
{%- endmacro %}

{#- A join clause that turns each element of a JSON array (held as text) into a row:
    `<alias>.<element_column>` (the element as JSON text) and `<alias>.<position_column>`
    (1-based). Rows whose array is null or empty produce no rows. -#}
{% macro join_json_array_elements(json_array_text, alias, element_column, position_column) -%}
    {{ return(adapter.dispatch('join_json_array_elements', 'audiences')(json_array_text, alias, element_column, position_column)) }}
{%- endmacro %}

{% macro default__join_json_array_elements(json_array_text, alias, element_column, position_column) -%}
    cross join unnest(cast(case when json_type({{ json_array_text }}) = 'ARRAY' then json_extract({{ json_array_text }}, '$') end as json[])) with ordinality
        as {{ alias }} ({{ element_column }}, {{ position_column }})
{%- endmacro %}

{% macro spark__join_json_array_elements(json_array_text, alias, element_column, position_column) -%}
    lateral view inline(transform(
        from_json({{ json_array_text }}, 'array<string>'),
        (element, zero_based_index) -> named_struct(
            '{{ element_column }}', element, '{{ position_column }}', zero_based_index + 1
        )
    )) {{ alias }} as {{ element_column }}, {{ position_column }}
{%- endmacro %}

{#- A JSON array under a key, as JSON text, also when the producer double-encoded it (a JSON
    string holding the array's text); null when the key is missing or JSON null. Whether the result really
    is an array is for is_json_array() to say. -#}
{% macro json_extract_array(json_text, key) -%}
    {{ return(adapter.dispatch('json_extract_array', 'audiences')(json_text, key)) }}
{%- endmacro %}

{% macro default__json_extract_array(json_text, key) -%}
    case json_type({{ json_text }}, '$.{{ key }}')
        when 'NULL' then null
        when 'VARCHAR' then json_extract_string({{ json_text }}, '$.{{ key }}')
        else cast(json_extract({{ json_text }}, '$.{{ key }}') as {{ dbt.type_string() }})
    end
{%- endmacro %}

{#- get_json_object already returns a string value's text, the array's JSON for a double-encoded one -#}
{% macro spark__json_extract_array(json_text, key) -%}
    get_json_object({{ json_text }}, '$.{{ key }}')
{%- endmacro %}

{#- True when the text parses as a JSON array; false for malformed JSON, objects and scalars. -#}
{% macro is_json_array(json_text) -%}
    {{ return(adapter.dispatch('is_json_array', 'audiences')(json_text)) }}
{%- endmacro %}

{% macro default__is_json_array(json_text) -%}
    coalesce(case when json_valid({{ json_text }}) then json_type({{ json_text }}) = 'ARRAY' end, false)
{%- endmacro %}

{% macro spark__is_json_array(json_text) -%}
    coalesce(json_array_length({{ json_text }}) is not null, false)
{%- endmacro %}
