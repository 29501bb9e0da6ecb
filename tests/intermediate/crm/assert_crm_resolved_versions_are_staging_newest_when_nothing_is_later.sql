{#- Staging's newest version of all time and the as-of models' newest version by as_of follow
    one rule (crm_newest_version_first): for every account or contact none of whose usable
    versions was updated after as_of (and, for a contact, created by as_of), both pick the same
    row. Returns the rows that differ. Compared key by key (a full join on the key, every
    column null-safe), not by EXCEPT, which Spark ran out of memory on. -#}

{%- set keys = {'account': 'account_id', 'contact': 'contact_id'} %}

with

account_versions as (
    select * from {{ ref('stg_raw__crm_account_versions') }}
),

contact_versions as (
    select * from {{ ref('stg_raw__crm_contact_versions') }}
),

staged_accounts as (
    select * from {{ ref('stg_raw__crm_accounts') }}
),

staged_contacts as (
    select * from {{ ref('stg_raw__crm_contacts') }}
),

resolved_accounts as (
    select * from {{ ref('int_crm_accounts_resolved') }}
),

resolved_contacts as (
    select * from {{ ref('int_crm_contacts_resolved') }}
),

accounts_changed_later as (
    select distinct account_id
    from account_versions
    where updated_at > {{ as_of() }}
),

contacts_changed_later as (
    select distinct contact_id
    from contact_versions
    where updated_at > {{ as_of() }} or created_at > {{ as_of() }}
),

{% for entity, key in keys.items() %}
    compared_{{ entity }}s as (
        select
            '{{ entity }}' as entity,
            coalesce(staged.{{ key }}, resolved.{{ key }}) as record_id,
            staged.{{ key }} is null as is_only_resolved,
            resolved.{{ key }} is null as is_only_staged
        from staged_{{ entity }}s as staged
        full outer join resolved_{{ entity }}s as resolved
            on staged.{{ key }} = resolved.{{ key }}
        left join {{ entity }}s_changed_later as changed_later
            on coalesce(staged.{{ key }}, resolved.{{ key }}) = changed_later.{{ key }}
        where changed_later.{{ key }} is null
            and (
                staged.{{ key }} is null
                or resolved.{{ key }} is null
                {%- for column in crm_version_columns(entity) %}
                    or staged.{{ column }} is distinct from resolved.{{ column }}
                {%- endfor %}
            )
    ),

{% endfor %}
final as (
    select * from compared_accounts
    union all
    select * from compared_contacts
)

select * from final
