{#- Per B2B account with decision makers (int_decision_makers_identified): how many, and their
    emails listed. Its contacts' email opens in a window are counted in
    int_account_windows_aggregated. -#}

with

decision_makers as (
    select * from {{ ref('int_decision_makers_identified') }}
),

decision_maker_lists as (
    select
        account_id,
        count(*) as decision_maker_count,
        {{ sorted_listagg('email', "', '") }} as decision_maker_emails
    from decision_makers
    where account_id is not null
    group by account_id
),

final as (
    select * from decision_maker_lists
)

select * from final
