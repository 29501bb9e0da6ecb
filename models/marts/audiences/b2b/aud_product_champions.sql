{#- Contact-level: in each paying account, the user(s) with the most sign-in days in the last
    `champion_window_days` (30) days, when that is at least `champion_min_active_days` (8);
    ties are all champions. The rule and its choices are in aud_product_champions.yml. -#}

with

accounts as (
    select * from {{ ref('dim_accounts') }}
),

account_user_sign_ins as (
    select * from {{ ref('int_account_user_sign_ins_counted') }}
),

persons as (
    select * from {{ ref('dim_persons') }}
),

audience_catalog as (
    select * from {{ ref('audience_catalog') }}
),

paying_account_users as (
    select
        account_user_sign_ins.account_id,
        account_user_sign_ins.person_id,
        account_user_sign_ins.sign_in_days_in_window,
        account_user_sign_ins.last_sign_in_at,
        accounts.account_name
    from account_user_sign_ins
    inner join accounts
        on account_user_sign_ins.account_id = accounts.account_id
    where accounts.is_paying
        and account_user_sign_ins.sign_in_days_in_window > 0
),

ranked as (
    select
        *,
        rank() over (partition by account_id order by sign_in_days_in_window desc) as activity_rank
    from paying_account_users
),

champions as (
    select * from ranked
    where activity_rank = 1
        and sign_in_days_in_window >= {{ var('champion_min_active_days') }}
),

members as (
    select
        champions.*,
        persons.is_emailable,
        persons.email,
        {{ person_send_time_columns('persons') }},
        persons.job_title
    from champions
    inner join persons
        on champions.person_id = persons.person_id
    where not persons.has_privacy_opt_out
),

catalog_entry as (
    select * from audience_catalog
    where audience_name = 'product_champions'
),

final as (
    select
        members.account_id,
        members.person_id,
        members.is_emailable,
        case when members.is_emailable then members.email end as email,
        {{ person_send_time_columns() }},
        members.account_name,
        members.job_title,
        cast(members.sign_in_days_in_window as {{ dbt.type_int() }}) as sign_in_days_in_window,
        members.last_sign_in_at,
        {{ audience_catalog_columns() }}
    from members
    cross join catalog_entry
)

select * from final
