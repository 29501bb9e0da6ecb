{#- The CRM's list: one row per account audience (member_type account) and account that is not
    held out of it, with the account's firmographics, the audience's signals (macro
    crm_audience_signals) and the decision makers a campaign may email. -#}

{%- for audience in audience_models() if audience.member_type == 'account' %}
    {%- if audience.name not in crm_audience_signals() %}
        {{ exceptions.raise_compiler_error(
            "account audience " ~ audience.name ~ " has no entry in macro crm_audience_signals"
        ) }}
    {%- endif %}
{%- endfor %}

with

memberships as (
    select * from {{ ref('fct_audience_memberships') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

{% for audience_name, columns in crm_audience_signals().items() %}
    signals_{{ audience_name }} as (
        select
            '{{ audience_name }}' as audience_name,
            audience.account_id,
            {{ signal_text(columns, 'audience') }} as signals,
            audience.reachable_decision_makers,
            audience.reachable_decision_maker_emails
        from {{ ref('aud_' ~ audience_name) }} as audience
    ),

{% endfor %}
signals as (
    {% for audience_name in crm_audience_signals() %}
        select * from signals_{{ audience_name }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        {{ dbt.concat(['memberships.audience_name', "'|'", 'memberships.member_id']) }}
            as list_account_audience_id,
        memberships.audience_name,
        memberships.member_id as account_id,
        accounts.account_name,
        accounts.domain,
        accounts.industry,
        accounts.employee_count,
        accounts.plan,
        accounts.mrr,
        accounts.account_status,
        signals.signals,
        signals.reachable_decision_makers,
        signals.reachable_decision_maker_emails,
        memberships.primary_audience_name,
        memberships.is_primary_audience,
        memberships.member_since
    from memberships
    inner join signals
        on memberships.audience_name = signals.audience_name
            and memberships.member_id = signals.account_id
    inner join accounts
        on memberships.member_id = accounts.account_id
    where memberships.member_type = 'account'
        and not memberships.is_holdout
)

select * from final
