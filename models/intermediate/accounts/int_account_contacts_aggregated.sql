{#- Per B2B account, what its CRM contacts did and are: email opens by its contacts in the last
    30 days (int_contact_email_opens_matched, one row per account and open) and its decision
    makers (int_decision_makers_identified), counted and listed by email. -#}

with

contact_email_opens as (
    select * from {{ ref('int_contact_email_opens_matched') }}
),

decision_makers as (
    select * from {{ ref('int_decision_makers_identified') }}
),

contact_opens as (
    select
        account_id,
        count(*) as contact_email_opens_30d
    from contact_email_opens
    where {{ in_last_days('occurred_at', 30) }}
    group by account_id
),

decision_maker_lists as (
    select
        account_id,
        count(*) as decision_maker_count,
        {{ sorted_listagg('email', "', '") }} as decision_maker_emails
    from decision_makers
    group by account_id
),

account_ids as (
    select account_id from contact_opens
    where account_id is not null
    union
    select account_id from decision_maker_lists
    where account_id is not null
),

final as (
    select
        account_ids.account_id,
        contact_opens.contact_email_opens_30d,
        decision_maker_lists.decision_maker_count,
        decision_maker_lists.decision_maker_emails
    from account_ids
    left join contact_opens
        on account_ids.account_id = contact_opens.account_id
    left join decision_maker_lists
        on account_ids.account_id = decision_maker_lists.account_id
)

select * from final
