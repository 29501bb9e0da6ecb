{#- Accounts that became paying in the last `onboarding_days` (30) days and still are, with the
    set-up steps (seed onboarding_steps) none of their users has taken since customer_since,
    in step order. The rule and its choices are in aud_onboarding_customers.yml. -#}

with

{{ b2b_audience_import_ctes(with_account_windows=false) }},

events as (
    select * from {{ ref('int_events_identified') }}
),

onboarding_steps as (
    select * from {{ ref('onboarding_steps') }}
),

members as (
    select * from accounts
    where is_paying
        and {{ in_last_days('customer_since', var('onboarding_days')) }}
),

member_steps as (
    select
        members.account_id,
        members.customer_since,
        onboarding_steps.step_order,
        onboarding_steps.step_name,
        onboarding_steps.event_name,
        onboarding_steps.feature
    from members
    cross join onboarding_steps
),

steps_taken as (
    select distinct
        member_steps.account_id,
        member_steps.step_order
    from member_steps
    inner join events
        on member_steps.account_id = events.account_id
            and member_steps.event_name = events.event_name
            and member_steps.customer_since <= events.occurred_at
    where member_steps.feature is null
        or member_steps.feature = events.feature
),

steps_missing as (
    select
        member_steps.account_id,
        member_steps.step_name,
        member_steps.step_order
    from member_steps
    left join steps_taken
        on member_steps.account_id = steps_taken.account_id
            and member_steps.step_order = steps_taken.step_order
    where steps_taken.account_id is null
),

ranked_steps_missing as (
    select
        account_id,
        step_name,
        row_number() over (partition by account_id order by step_order) as list_rank
    from steps_missing
),

missing_step_counts as (
    select
        account_id,
        count(*) as onboarding_steps_missing_count
    from steps_missing
    group by account_id
),

missing_step_lists as (
    select
        account_id,
        {{ ranked_listagg('step_name', 'list_rank', "','") }} as onboarding_steps_missing
    from ranked_steps_missing
    where list_rank <= {{ var('payload_list_max_items') }}
    group by account_id
),

catalog_entry as (
    select * from audience_catalog
    where audience_name = 'onboarding_customers'
),

final as (
    select
        {{ b2b_audience_account_columns() }},
        members.plan,
        members.mrr,
        members.customer_since,
        cast(
            {{ days_between('members.customer_since', as_of()) }} as {{ dbt.type_int() }}
        ) as days_since_customer,
        members.users_count,
        members.active_users_7d,
        cast(coalesce(missing_step_counts.onboarding_steps_missing_count, 0) as {{ dbt.type_int() }})
            as onboarding_steps_missing_count,
        missing_step_lists.onboarding_steps_missing,
        {{ b2b_audience_shared_columns() }}
    from members
    left join missing_step_counts
        on members.account_id = missing_step_counts.account_id
    left join missing_step_lists
        on members.account_id = missing_step_lists.account_id
    {{ b2b_audience_shared_joins() }}
)

select * from final
