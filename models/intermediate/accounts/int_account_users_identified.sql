{#- One row per B2B account and known user: the known persons of the account's events up to
    as_of and its contacts with a user_id, as the CRM held them at as_of. A person in both is one
    user. dim_accounts counts them (users_count, through int_account_activity_aggregated) and
    rpt_audience_sizes measures the B2B person audiences against them. -#}

with

events as (
    select * from {{ ref('int_events_identified') }}
),

crm_contacts as (
    select * from {{ ref('int_crm_contacts_resolved') }}
),

event_users as (
    select distinct
        account_id,
        person_id as user_id
    from events
    where account_id is not null
        and person_id not like 'anon:%'
),

contact_users as (
    select distinct
        account_id,
        user_id
    from crm_contacts
    where account_id is not null and user_id is not null
),

final as (
    select * from event_users
    union
    select * from contact_users
)

select * from final
