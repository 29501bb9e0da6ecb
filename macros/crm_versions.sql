{#- The CRM keeps every version of an account or contact (one row per update). These macros own
    what a version holds and which version is the newest, for staging (the newest of all time)
    and for the as-of models (the newest updated by as_of), so the two cannot drift apart. -#}

{#- The columns of a staged CRM version of `entity` ('account' or 'contact'). -#}
{% macro crm_version_columns(entity) -%}
    {%- if entity == 'account' -%}
        {{ return([
            'account_id', 'account_name', 'domain', 'industry', 'employee_count', 'country',
            'plan', 'seat_limit', 'monthly_usage_limit', 'mrr', 'created_at', 'customer_since',
            'churned_at', 'updated_at',
        ]) }}
    {%- elif entity == 'contact' -%}
        {{ return([
            'contact_id', 'user_id', 'account_id', 'email', 'job_title', 'lead_status',
            'lead_score', 'created_at', 'updated_at',
        ]) }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error("crm_version_columns: unknown entity '" ~ entity ~ "'") }}
{%- endmacro %}

{#- The order that puts the newest version of `entity` first: the latest updated_at; on a tie
    an account's larger mrr, a contact's smallest user_id (a version without one last, on
    every engine). -#}
{% macro crm_newest_version_first(entity) -%}
    {%- if entity == 'account' -%}
        updated_at desc, mrr desc
    {%- elif entity == 'contact' -%}
        updated_at desc, user_id asc nulls last
    {%- else -%}
        {{ exceptions.raise_compiler_error("crm_newest_version_first: unknown entity '" ~ entity ~ "'") }}
    {%- endif -%}
{%- endmacro %}

{#- The select list of a CRM version of `entity`, one column a line at a select's indent,
    each prefixed with `relation.` when given. -#}
{% macro crm_version_select_list(entity, relation=none) -%}
    {%- set prefix = relation ~ '.' if relation else '' -%}
    {%- set columns = [] -%}
    {%- for column in crm_version_columns(entity) -%}
        {%- do columns.append(prefix ~ column) -%}
    {%- endfor -%}
    {{ columns | join(',\n        ') }}
{%- endmacro %}

{#- The whole body of a CRM staging model over base_raw__crm_<entity>s: its usable rows (no
    quarantine reason), every version when all_versions, else only the first delivery of each
    row (stg_raw__crm_<entity>s, the newest version of all time). -#}
{% macro crm_staging_model(entity, all_versions=false) %}
with

base_crm_{{ entity }}s as (
    select * from {{ ref('base_raw__crm_' ~ entity ~ 's') }}
),

final as (
    select
        {{ crm_version_select_list(entity) }}
    from base_crm_{{ entity }}s
    where quarantine_reason is null{{ '' if all_versions else ' and not is_duplicate' }}
)

select * from final
{% endmacro %}
