{#- Every email open up to as_of by a contact of a B2B account (as the CRM held it at as_of),
    matched by the contact's user_id or by its email: one row per account and open, so an open
    matched both ways counts once. dim_accounts and int_account_windows_aggregated count their
    windows over this one matching rule. -#}

with

crm_contacts as (
    select * from {{ ref('int_crm_contacts_resolved') }}
),

email_events as (
    select * from {{ ref('stg_raw__email_events') }}
),

account_people as (
    select distinct
        account_id,
        user_id,
        email
    from crm_contacts
    where account_id is not null
),

opens as (
    select * from email_events
    where event_type = 'opened'
        and occurred_at <= {{ as_of() }}
),

{% for key in ['user_id', 'email'] %}
    opens_by_contact_{{ key }} as (
        select
            account_people.account_id,
            opens.email_event_id,
            opens.occurred_at
        from opens
        inner join account_people
            on opens.{{ key }} = account_people.{{ key }}
    ),
{% endfor %}

-- two equality joins and a union (which also drops an open matched both ways) rather than one
-- join on `user_id = ... or email = ...`, which engines run as a nested loop
final as (
    select * from opens_by_contact_user_id
    union
    select * from opens_by_contact_email
)

select * from final
