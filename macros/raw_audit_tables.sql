{#- The raw tables whose every row is accounted for: kept in its staging model, removed as a
    duplicate, or quarantined. One list, read by the quarantine and duplicate models and by
    the row-accounting test, so a new raw table cannot be half-audited. -#}
{% macro raw_audit_tables() -%}
    {{ return([
        'events', 'identifies', 'email_events', 'crm_accounts', 'crm_contacts',
        'subscriptions', 'product_usage_daily', 'support_tickets', 'nps_responses',
        'privacy_requests',
    ]) }}
{%- endmacro %}
