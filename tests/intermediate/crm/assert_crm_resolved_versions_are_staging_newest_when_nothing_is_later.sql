{#- Staging's newest version of all time and the as-of models' newest version by as_of follow
    one rule (crm_newest_version_first): for every account or contact none of whose usable
    versions was updated after as_of (and, for a contact, created by as_of), both pick the same
    row. Returns the rows that differ. -#}

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

settled_staged_accounts as (
    select
        {{ crm_version_select_list('account', 'staged_accounts') }}
    from staged_accounts
    left join accounts_changed_later
        on staged_accounts.account_id = accounts_changed_later.account_id
    where accounts_changed_later.account_id is null
),

settled_staged_contacts as (
    select
        {{ crm_version_select_list('contact', 'staged_contacts') }}
    from staged_contacts
    left join contacts_changed_later
        on staged_contacts.contact_id = contacts_changed_later.contact_id
    where contacts_changed_later.contact_id is null
),

settled_resolved_accounts as (
    select resolved_accounts.*
    from resolved_accounts
    left join accounts_changed_later
        on resolved_accounts.account_id = accounts_changed_later.account_id
    where accounts_changed_later.account_id is null
),

settled_resolved_contacts as (
    select resolved_contacts.*
    from resolved_contacts
    left join contacts_changed_later
        on resolved_contacts.contact_id = contacts_changed_later.contact_id
    where contacts_changed_later.contact_id is null
),

only_staged_accounts as (
    select * from settled_staged_accounts
    except
    select * from settled_resolved_accounts
),

only_resolved_accounts as (
    select * from settled_resolved_accounts
    except
    select * from settled_staged_accounts
),

only_staged_contacts as (
    select * from settled_staged_contacts
    except
    select * from settled_resolved_contacts
),

only_resolved_contacts as (
    select * from settled_resolved_contacts
    except
    select * from settled_staged_contacts
),

final as (
    select
        'account only in staging' as difference,
        account_id as record_id
    from only_staged_accounts
    union all
    select
        'account only resolved' as difference,
        account_id as record_id
    from only_resolved_accounts
    union all
    select
        'contact only in staging' as difference,
        contact_id as record_id
    from only_staged_contacts
    union all
    select
        'contact only resolved' as difference,
        contact_id as record_id
    from only_resolved_contacts
)

select * from final
