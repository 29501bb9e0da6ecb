{#- Every audience table, with the kind of member it holds. fct_audience_memberships and the
    audience reports read this list; a new audience is added here and to the audience_catalog
    seed. -#}
{% macro audience_models() -%}
    {{ return([
        {'name': 'new_customers', 'member_type': 'person'},
        {'name': 'window_shoppers', 'member_type': 'person'},
        {'name': 'cart_abandoners', 'member_type': 'person'},
        {'name': 'category_enthusiasts', 'member_type': 'person'},
        {'name': 'top_spenders', 'member_type': 'person'},
        {'name': 'product_sharers', 'member_type': 'person'},
        {'name': 'dormant_shoppers', 'member_type': 'person'},
        {'name': 'shoe_lovers', 'member_type': 'person'},
        {'name': 'window_shoppers_without_cart', 'member_type': 'person'},
        {'name': 'high_value_prospects', 'member_type': 'account'},
        {'name': 'unengaged_prospects', 'member_type': 'account'},
        {'name': 'onboarding_customers', 'member_type': 'account'},
        {'name': 'upgrade_candidates', 'member_type': 'account'},
        {'name': 'churn_risk_accounts', 'member_type': 'account'},
        {'name': 'product_champions', 'member_type': 'person'},
        {'name': 'trial_ending_low_usage_users', 'member_type': 'person'},
        {'name': 'detractors', 'member_type': 'person'},
        {'name': 'heavy_email_engagers', 'member_type': 'person'},
    ]) }}
{%- endmacro %}

{#- The audience_catalog seed columns every audience table carries, from its catalog row
    (`catalog_entry` unless named): name, type (b2c / b2b), description, owner, recommended
    campaign and priority. One place, so that the audience tables cannot drift apart. The
    columns end the select list (no trailing comma). -#}
{% macro audience_catalog_columns(catalog_entry='catalog_entry') -%}
    {{ catalog_entry }}.audience_name,
        {{ catalog_entry }}.audience_type,
        {{ catalog_entry }}.description as audience_description,
        {{ catalog_entry }}.owner as audience_owner,
        {{ catalog_entry }}.recommended_campaign,
        cast({{ catalog_entry }}.priority as {{ dbt.type_int() }}) as audience_priority
{%- endmacro %}

{#- Define a person audience from other audiences and from traits, without writing its SQL:

        {{ compose_person_audience(
            audience_name='shoe_lovers',
            include_audiences=['category_enthusiasts'],
            exclude_audiences=['cart_abandoners'],
            trait_condition="favorite_category_purchased = 'shoes' and orders_30d = 0",
            facts=['favorite_category_purchased', 'email_opens_30d', 'last_order_at'],
        ) }}

    Members are the persons of dim_persons in every include audience (all persons when the list
    is empty), in no exclude audience, meeting trait_condition (SQL on dim_persons columns), and
    without a privacy opt-out. The table carries what every audience table carries: person_id,
    is_emailable, email (only when emailable), when to send (person_send_time_columns), the
    facts and the catalog row of audience_name (no as_of column: the publish records a build's as_of once, so that a row changes only when
    the member's data does). -#}
{% macro compose_person_audience(audience_name, include_audiences=[], exclude_audiences=[], trait_condition='true', facts=[]) %}

with

persons as (
    select * from {{ ref('dim_persons') }}
),

audience_catalog as (
    select * from {{ ref('audience_catalog') }}
),

{% for included in include_audiences %}
    included_{{ included }} as (
        select person_id from {{ ref('aud_' ~ included) }}
    ),

{% endfor %}
{% for excluded in exclude_audiences %}
    excluded_{{ excluded }} as (
        select person_id from {{ ref('aud_' ~ excluded) }}
    ),

{% endfor %}
members as (
    select persons.*
    from persons
    {% for included in include_audiences %}
        inner join included_{{ included }}
            on persons.person_id = included_{{ included }}.person_id
    {% endfor %}
    {% for excluded in exclude_audiences %}
        left join excluded_{{ excluded }}
            on persons.person_id = excluded_{{ excluded }}.person_id
    {% endfor %}
    where not persons.has_privacy_opt_out
        and ({{ trait_condition }})
        {% for excluded in exclude_audiences %}
            and excluded_{{ excluded }}.person_id is null
        {% endfor %}
),

catalog_entry as (
    select * from audience_catalog
    where audience_name = '{{ audience_name }}'
),

final as (
    select
        {{ b2c_audience_person_columns() }},
        {% for fact in facts %}
            members.{{ fact }},
        {% endfor %}
        {{ audience_catalog_columns() }}
    from members
    cross join catalog_entry
)

select * from final

{% endmacro %}

{#- The names of the built audiences as a quoted SQL list, for `where audience_name in (...)`. -#}
{% macro audience_name_list() -%}
    {%- for audience in audience_models() -%}
        '{{ audience.name }}'{{ ", " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{#- The closing columns every B2B account audience shares: the decision makers a campaign may
    email (int_decision_makers_consented, left-joined as `decision_makers`: none is 0 and no
    list) and the audience's catalog entry. -#}
{% macro b2b_audience_shared_columns(decision_makers='reachable_decision_makers', catalog_entry='catalog_entry') -%}
    cast(coalesce({{ decision_makers }}.reachable_decision_makers, 0) as {{ dbt.type_int() }})
            as reachable_decision_makers,
        {{ decision_makers }}.reachable_decision_maker_emails,
        {{ audience_catalog_columns(catalog_entry) }}
{%- endmacro %}

{#- The import CTEs every B2B account audience opens with, without a trailing comma:
    `accounts` (dim_accounts), `account_windows` (int_account_windows_aggregated, left out when
    with_account_windows is false), `reachable_decision_makers` (int_decision_makers_consented)
    and `audience_catalog`. -#}
{% macro b2b_audience_import_ctes(with_account_windows=true) %}
accounts as (
    select * from {{ ref('dim_accounts') }}
),
{% if with_account_windows %}
account_windows as (
    select * from {{ ref('int_account_windows_aggregated') }}
),
{% endif %}
reachable_decision_makers as (
    select * from {{ ref('int_decision_makers_consented') }}
),

audience_catalog as (
    select * from {{ ref('audience_catalog') }}
)
{% endmacro %}

{#- The body of an audience's CTE of window facts: every row of `entities` with its counts from
    `windows` (joined on `key`), 0 when it has none, given as {windows column: name}. -#}
{% macro with_window_counts(counts, entities='accounts', windows='account_windows', key='account_id') %}
    select
        {{ entities }}.*,
        {%- for column, name in counts.items() %}
            coalesce({{ windows }}.{{ column }}, 0) as {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ entities }}
    left join {{ windows }}
        on {{ entities }}.{{ key }} = {{ windows }}.{{ key }}
{% endmacro %}

{#- The import CTEs every B2C person audience opens with, without a trailing comma: `persons`
    (dim_persons), `windows` (int_person_windows_aggregated, only when with_person_windows) and
    `audience_catalog`. -#}
{% macro b2c_audience_import_ctes(with_person_windows=false) %}
persons as (
    select * from {{ ref('dim_persons') }}
),
{% if with_person_windows %}
windows as (
    select * from {{ ref('int_person_windows_aggregated') }}
),
{% endif %}
audience_catalog as (
    select * from {{ ref('audience_catalog') }}
)
{% endmacro %}

{#- The joins behind b2b_audience_shared_columns(): each member account's reachable decision
    makers (none is no row) and the audience's catalog entry. -#}
{% macro b2b_audience_shared_joins(members='members') -%}
    left join reachable_decision_makers
        on {{ members }}.account_id = reachable_decision_makers.account_id
    cross join catalog_entry
{%- endmacro %}

{#- How many of the boolean `signals` are true for a row (a null signal counts as false): the
    score of a B2B audience built from signals. -#}
{% macro signals_count(signals) -%}
    {%- for signal in signals -%}
        {{ '\n        + ' if not loop.first }}(case when {{ signal }} then 1 else 0 end)
    {%- endfor -%}
{%- endmacro %}

{#- The columns every B2B account audience opens its rows with: who the member account is. -#}
{% macro b2b_audience_account_columns(members='members') -%}
    {{ members }}.account_id,
        {{ members }}.account_name,
        {{ members }}.domain
{%- endmacro %}

{#- The columns every B2C person audience opens its rows with: the person, whether a campaign
    may email them, their email only when it may, and when to send (person_send_time_columns).
    `members` holds dim_persons columns. -#}
{% macro b2c_audience_person_columns(members='members') -%}
    {{ members }}.person_id,
        {{ members }}.is_emailable,
        case when {{ members }}.is_emailable then {{ members }}.email end as email,
        {{ person_send_time_columns(members) }}
{%- endmacro %}

{#- When to send to a person, as every person audience carries it (from dim_persons, learned in
    int_person_send_times_learned): the preferred send hour and ISO day of week in the person's
    own time zone, the zone, and how many observations they rest on. One list, so that the
    audiences cannot drift apart (no trailing comma). -#}
{% macro person_send_time_columns(members='members') -%}
    {{ members }}.preferred_send_hour,
        {{ members }}.preferred_send_day_of_week,
        {{ members }}.send_time_zone,
        {{ members }}.send_time_observations
{%- endmacro %}

{#- The body of a report's `audience_catalog` import CTE: the catalog entries of the audiences
    this project builds (audience_models). -#}
{% macro built_audience_catalog() -%}
    select * from {{ ref('audience_catalog') }}
    where audience_name in ({{ audience_name_list() }})
{%- endmacro %}

{#- The CTEs of a payload list, the last one named `name` with one row per `key` that has an
    item and the column `name`: the distinct non-null `item`s of `source` (a CTE already cut to
    the rows that count), each at its latest `time_column`, newest first (ties: the smaller
    item first), at most `payload_list_max_items` (var), joined with ','. A list is stable: the
    same rows give the same text on every run and engine (ranked_listagg). -#}
{% macro newest_first_list(name, source, key, item, time_column) %}
{{ name }}_items as (
    select
        {{ key }},
        {{ item }},
        max({{ time_column }}) as item_latest_at
    from {{ source }}
    where {{ item }} is not null
    group by {{ key }}, {{ item }}
),

{{ name }}_ranked as (
    select
        {{ key }},
        {{ item }},
        row_number() over (
            partition by {{ key }}
            order by item_latest_at desc, {{ item }} asc
        ) as list_rank
    from {{ name }}_items
),

{{ name }} as (
    select
        {{ key }},
        {{ ranked_listagg(item, 'list_rank', "','") }} as {{ name }}
    from {{ name }}_ranked
    where list_rank <= {{ var('payload_list_max_items') }}
    group by {{ key }}
)
{% endmacro %}
