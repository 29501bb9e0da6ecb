{#- The typed columns of the staging base models (models/staging/raw/base) and the quarantine
    of the values staging cannot read. -#}

{#- A raw value kept as text beside its parsed form: `raw_<name>` and `<name>` (two select
    items, without a trailing comma). kind is timestamp (UTC), number, integer or date; column
    may be qualified (source.occurred_at); parsed_name renames the parsed one. -#}
{% macro raw_and_parsed(column, kind, parsed_name=none) -%}
    {%- set name = column.split('.')[-1] -%}
    {%- if kind == 'timestamp' -%}
        {%- set parsed = parse_timestamp_utc(column) -%}
    {%- elif kind == 'number' -%}
        {%- set parsed = parse_number(column) -%}
    {%- elif kind == 'integer' -%}
        {%- set parsed = parse_integer(column) -%}
    {%- elif kind == 'date' -%}
        {%- set parsed = parse_date(column) -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("raw_and_parsed: unknown kind '" ~ kind ~ "'") }}
    {%- endif -%}
    cast({{ column }} as {{ dbt.type_string() }}) as raw_{{ name }},
        {{ parsed }} as {{ parsed_name or name }}
{%- endmacro %}

{#- The columns whose value quarantines a row when staging cannot read it, as a mapping:
    `required`, parsed columns that must hold a value (a missing one is unreadable too), then
    `optional`, parsed columns that may be missing but not unreadable. Each is a column name
    whose text is `raw_<name>`, or a mapping {'raw': ..., 'parsed': ...} where the names
    differ. -#}
{% macro unparseable_raw_column(column) -%}
    {{ column.raw if column is mapping else 'raw_' ~ column }}
{%- endmacro %}

{% macro unparseable_parsed_column(column) -%}
    {{ column.parsed if column is mapping else column }}
{%- endmacro %}

{#- True when any of the columns is unreadable (or a required one missing): the condition of a
    quarantine reason such as 'unparseable_timestamp'. -#}
{% macro is_any_unparseable(columns) -%}
    {%- set checks = [] -%}
    {%- for column in columns.get('required', []) -%}
        {%- do checks.append(unparseable_parsed_column(column) ~ ' is null') -%}
    {%- endfor -%}
    {%- for column in columns.get('optional', []) -%}
        {%- do checks.append(is_unparseable(unparseable_raw_column(column), unparseable_parsed_column(column))) -%}
    {%- endfor -%}
    {{ checks | join('\n                or ') }}
{%- endmacro %}

{#- The quarantine detail of that reason: the raw text of the first column at fault, in the same
    order as is_any_unparseable ('null <name>' for a missing required value). The last column
    is the default unless `otherwise` names another expression (for a fault found elsewhere). -#}
{% macro unparseable_detail(columns, otherwise=none) -%}
    {%- set branches = [] -%}
    {%- for column in columns.get('required', []) -%}
        {%- set parsed = unparseable_parsed_column(column) -%}
        {%- do branches.append((
            parsed ~ ' is null',
            'coalesce(' ~ unparseable_raw_column(column) ~ ", 'null " ~ parsed ~ "')",
        )) -%}
    {%- endfor -%}
    {%- for column in columns.get('optional', []) -%}
        {%- do branches.append((
            is_unparseable(unparseable_raw_column(column), unparseable_parsed_column(column)),
            unparseable_raw_column(column),
        )) -%}
    {%- endfor -%}
    {%- if otherwise is none -%}
        {%- set otherwise = branches[-1][1] -%}
        {%- set branches = branches[:-1] -%}
    {%- endif -%}
    {%- if branches | length == 0 -%}
        {{ otherwise }}
    {%- else -%}
        case
            {%- for condition, detail in branches %}
                when {{ condition }} then {{ detail }}
            {%- endfor %}
                else {{ otherwise }}
            end
    {%- endif -%}
{%- endmacro %}

{#- The `when` branches of a quarantine_reason case for the unparseable reasons, given as
    {reason: columns} (columns as for is_any_unparseable), in that order. -#}
{% macro unparseable_reasons(unparseable) -%}
    {%- for reason, columns in unparseable.items() %}
        {{- '\n            ' if not loop.first }}when {{ is_any_unparseable(columns) }} then '{{ reason }}'
    {%- endfor %}
{%- endmacro %}

{#- The `explained` CTE of a staging base model: every row of `from_cte` with its
    quarantine_detail, the raw value behind its quarantine_reason: for the unparseable reasons
    ({reason: columns}, as for unparseable_reasons) the text of the first unreadable column, for
    every other reason the SQL expression `details` gives it ({reason: expression}). inline: the CTE
    is inline_cte(). -#}
{% macro explained_cte(details, unparseable={}, from_cte='classified', inline=false) %}
explained as {{ inline_cte() ~ ' ' if inline }}(
    select
        *,
        case quarantine_reason
            {%- for reason, columns in unparseable.items() %}
            when '{{ reason }}' then {{ unparseable_detail(columns) }}
            {%- endfor %}
            {%- for reason, detail in details.items() %}
            when '{{ reason }}' then {{ detail }}
            {%- endfor %}
        end as quarantine_detail
    from {{ from_cte }}
)
{% endmacro %}

{#- The columns of stg_raw__events, in order, under their group comments: the one list of what
    event staging hands on. leave_out: the columns a reader of it does not carry on. -#}
{% macro staged_event_columns(leave_out=[]) -%}
    {%- set groups = [
        ('ids', ['event_id', 'anonymous_id', 'user_id', 'account_id']),
        ('event', ['event_name', 'raw_event_name']),
        ('commerce properties', [
            'product_id', 'category', 'brand', 'price', 'quantity', 'order_id', 'revenue',
            'currency', 'coupon', 'promotion_id', 'products',
        ]),
        ('product and engagement properties', ['page_path', 'feature', 'share_via', 'rating']),
        ('context', [
            'device_type', 'os', 'locale', 'country', 'utm_source', 'utm_medium', 'utm_campaign',
            'time_zone',
        ]),
        ('timestamps (UTC)', ['occurred_at', 'received_at']),
        ('the full payload, for properties not modelled above', ['properties']),
        ('the day of receipt: the partition an incremental run replaces', ['received_on']),
    ] -%}
    {%- set items = [] -%}
    {%- for comment, names in groups -%}
        {%- for name in names | reject('in', leave_out) -%}
            {%- do items.append(('\n\n        -- ' ~ comment ~ '\n        ' if loop.first else '\n        ') ~ name) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ (items | join(',')) | trim }}
{%- endmacro %}
