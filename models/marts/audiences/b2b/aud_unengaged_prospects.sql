{#- Accounts in the sales cycle (a trial started or a demo requested) that are not paying and
    went quiet: at least `unengaged_min_signals` (2) of three signals. The rule and its choices
    are in aud_unengaged_prospects.yml. -#}

with

{{ b2b_audience_import_ctes() }},

windowed as (
    {{ with_window_counts({
        'unengaged_sign_ins': 'sign_ins_in_window',
        'unengaged_contact_email_opens': 'contact_email_opens_in_window',
    }) }}
),

signals as (
    select
        *,
        sign_ins_in_window = 0 as has_no_recent_sign_in,
        coalesce(
            last_checkout_started_at is not null
            and not coalesce(last_subscription_started_at >= last_checkout_started_at, false),
            false
        ) as has_stalled_checkout,
        contact_email_opens_in_window = 0 as has_no_recent_email_open
    from windowed
    where not is_paying
        and (trial_started_at is not null or last_demo_requested_at is not null)
),

scored as (
    select
        *,
        {{ signals_count([
            'has_no_recent_sign_in',
            'has_stalled_checkout',
            'has_no_recent_email_open',
        ]) }} as unengaged_signals
    from signals
),

members as (
    select * from scored
    where unengaged_signals >= {{ var('unengaged_min_signals') }}
),

catalog_entry as (
    select * from audience_catalog
    where audience_name = 'unengaged_prospects'
),

final as (
    select
        {{ b2b_audience_account_columns() }},
        members.account_status,
        members.trial_started_at,
        members.last_demo_requested_at,
        cast(members.sign_ins_in_window as {{ dbt.type_int() }}) as sign_ins_in_window,
        members.last_sign_in_at,
        members.last_checkout_started_at,
        members.last_subscription_started_at,
        cast(members.contact_email_opens_in_window as {{ dbt.type_int() }}) as contact_email_opens_in_window,
        members.has_no_recent_sign_in,
        members.has_stalled_checkout,
        members.has_no_recent_email_open,
        cast(members.unengaged_signals as {{ dbt.type_int() }}) as unengaged_signals,
        {{ b2b_audience_shared_columns() }}
    from members
    {{ b2b_audience_shared_joins() }}
)

select * from final
