{#- The signals each account audience hands to the CRM (list_crm_account_audiences.signals):
    the audience table's columns that say why the account is in it. Counts and flags only, no
    time-relative values, so an account's row changes only when its signals do. -#}
{% macro crm_audience_signals() -%}
    {{ return({
        'high_value_prospects': [
            'employee_count', 'is_target_industry', 'pricing_page_views_in_window',
            'demo_requests_in_window', 'sign_ins_in_window',
        ],
        'unengaged_prospects': [
            'unengaged_signals', 'has_no_recent_sign_in', 'has_stalled_checkout',
            'has_no_recent_email_open', 'sign_ins_in_window', 'contact_email_opens_in_window',
        ],
        'onboarding_customers': ['users_count', 'active_users_7d'],
        'upgrade_candidates': [
            'upgrade_signals', 'pricing_page_views_in_window', 'is_near_usage_limit',
            'seats_used', 'seat_limit', 'ad_clicks_in_window',
        ],
        'churn_risk_accounts': [
            'churn_risk_score', 'has_usage_drop', 'has_no_contact_email_open',
            'is_nps_detractor', 'has_many_tickets', 'active_users_in_window',
            'active_users_prev_window', 'tickets_in_window',
        ],
    }) }}
{%- endmacro %}

{#- `name=value; name=value` of the given columns, a null value written as `null`; integers and
    booleans only, whose text is the same on every engine. -#}
{% macro signal_text(columns, relation) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("'" ~ ('; ' if not loop.first else '') ~ column ~ "='") -%}
        {%- do parts.append(
            "coalesce(cast(" ~ relation ~ "." ~ column ~ " as " ~ dbt.type_string() ~ "), 'null')"
        ) -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}

{#- The body of a per-account decision-maker list: from `reachable` (account_id, email, one row
    per distinct pair), how many and their emails, sorted (the columns the account audiences
    carry). -#}
{% macro decision_maker_lists(reachable='reachable') -%}
    select
        account_id,
        count(*) as reachable_decision_makers,
        {{ sorted_listagg('email', "', '") }} as reachable_decision_maker_emails
    from {{ reachable }}
    group by account_id
{%- endmacro %}
