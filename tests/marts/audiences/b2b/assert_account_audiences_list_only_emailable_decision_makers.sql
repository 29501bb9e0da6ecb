{#- Every account audience lists as decision makers exactly the emails of the account's
    decision-maker contacts that are persons of dim_persons (so not deleted), emailable and
    not opted out: returns audience rows whose list differs from that recomputation. -#}

with

decision_makers as (
    select * from {{ ref('int_decision_makers_identified') }}
),

persons as (
    select * from {{ ref('dim_persons') }}
),

reachable as (
    select distinct
        decision_makers.account_id,
        persons.email
    from decision_makers
    inner join persons
        on decision_makers.user_id = persons.person_id
    where persons.is_emailable = true
        and persons.has_privacy_opt_out = false
),

expected_lists as (
    {{ decision_maker_lists() }}
),

{% set account_audiences = audience_models() | selectattr('member_type', 'equalto', 'account') | list %}
audience_lists as (
    {% for audience in account_audiences %}
        select
            '{{ audience.name }}' as audience_name,
            account_id,
            reachable_decision_makers,
            reachable_decision_maker_emails
        from {{ ref('aud_' ~ audience.name) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        audience_lists.audience_name,
        audience_lists.account_id,
        audience_lists.reachable_decision_maker_emails,
        expected_lists.reachable_decision_maker_emails as expected_decision_maker_emails
    from audience_lists
    left join expected_lists
        on audience_lists.account_id = expected_lists.account_id
    where audience_lists.reachable_decision_maker_emails is distinct from expected_lists.reachable_decision_maker_emails
        or audience_lists.reachable_decision_makers != coalesce(expected_lists.reachable_decision_makers, 0)
)

select * from final
