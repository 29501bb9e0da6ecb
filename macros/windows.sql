{#- Every count over a window before as_of, fixed or set by a var, is declared here once: its
    column, the source it counts (a CTE of the model that computes it), the condition a row must
    meet, the window's length in days and what it counts. int_person_windows_aggregated computes
    the person signals, int_account_windows_aggregated the account signals and
    int_account_user_sign_ins_counted the one account-and-user signal; the traits (dim_persons,
    dim_accounts) and the audiences read those columns, so retuning a window changes only this
    file (or the var it names). Every window is half-open, as_of - days < t <= as_of
    (in_last_days); a signal with `ended_days_ago` counts the `days` days that ended that many
    days before as_of instead.

    What a signal counts (`measure`):
    - rows: the rows meeting the condition in the window;
    - events: the sum of event_count (the hourly rollup int_person_hours_stitched, each row
      standing for event_count events; its window is tested on last_occurred_at, which lies on
      the same side of every window boundary as all the row's events);
    - persons, features: the distinct person_id, feature;
    - days: the distinct UTC dates of the source's time column. -#}


{#- The time column a window tests, by source. -#}
{% macro window_time_columns() -%}
    {{- return({
        'person_hours': 'last_occurred_at',
        'person_orders': 'ordered_at',
        'person_email_events': 'occurred_at',
        'person_tickets': 'opened_at',
        'account_events': 'occurred_at',
        'account_contact_email_opens': 'occurred_at',
        'account_tickets': 'opened_at',
        'account_user_sign_ins': 'occurred_at',
    }) -}}
{%- endmacro %}


{% macro person_window_signals() -%}
    {%- set product_viewed = "event_name = 'Product Viewed'" -%}
    {%- set product_added = "event_name = 'Product Added'" -%}
    {%- set product_shared = "event_name = 'Product Shared'" -%}
    {%- set product_reviewed = "event_name = 'Product Reviewed'" -%}
    {%- set email_opened = "event_type = 'opened'" -%}
    {%- set email_clicked = "event_type = 'clicked'" -%}
    {%- set window_shopper_days = var('window_shopper_days') -%}
    {%- set sharer_days = var('sharer_days') -%}
    {%- set signals = [] -%}
    {%- for days in [7, 30, 90] -%}
        {%- do signals.extend([
            {'column': 'product_views_' ~ days ~ 'd', 'source': 'person_hours', 'condition': product_viewed,
             'days': days, 'measure': 'events'},
            {'column': 'cart_adds_' ~ days ~ 'd', 'source': 'person_hours', 'condition': product_added,
             'days': days, 'measure': 'events'},
            {'column': 'orders_' ~ days ~ 'd', 'source': 'person_orders', 'days': days, 'measure': 'rows'},
        ]) -%}
    {%- endfor -%}
    {%- do signals.extend([
        {'column': 'shares_90d', 'source': 'person_hours', 'condition': product_shared, 'days': 90,
         'measure': 'events'},
        {'column': 'reviews_90d', 'source': 'person_hours', 'condition': product_reviewed, 'days': 90,
         'measure': 'events'},
        {'column': 'active_days_30d', 'source': 'person_hours', 'days': 30, 'measure': 'days'},
        {'column': 'email_opens_30d', 'source': 'person_email_events', 'condition': email_opened, 'days': 30,
         'measure': 'rows'},
        {'column': 'email_clicks_30d', 'source': 'person_email_events', 'condition': email_clicked, 'days': 30,
         'measure': 'rows'},
        {'column': 'tickets_30d', 'source': 'person_tickets', 'days': 30, 'measure': 'rows'},
        {'column': 'window_shopper_product_views', 'source': 'person_hours', 'condition': product_viewed,
         'days': window_shopper_days, 'measure': 'events'},
        {'column': 'window_shopper_orders', 'source': 'person_orders', 'days': window_shopper_days,
         'measure': 'rows'},
        {'column': 'window_shopper_email_opens', 'source': 'person_email_events', 'condition': email_opened,
         'days': window_shopper_days, 'measure': 'rows'},
        {'column': 'window_shopper_email_clicks', 'source': 'person_email_events', 'condition': email_clicked,
         'days': window_shopper_days, 'measure': 'rows'},
        {'column': 'sharer_shares', 'source': 'person_hours', 'condition': product_shared,
         'days': sharer_days, 'measure': 'events'},
        {'column': 'sharer_reviews', 'source': 'person_hours', 'condition': product_reviewed,
         'days': sharer_days, 'measure': 'events'},
    ]) -%}
    {{- return(signals) -}}
{%- endmacro %}


{% macro account_window_signals() -%}
    {%- set pricing_viewed = "event_name = 'Page Viewed' and page_path = '/pricing'" -%}
    {%- set demo_requested = "event_name = 'Demo Requested'" -%}
    {%- set signed_in = "event_name = 'Signed In'" -%}
    {%- set ad_clicked = "event_name = 'Ad Clicked'" -%}
    {#- a seat is a known (not anonymous) person using the product; page views take no seat -#}
    {%- set took_a_seat = "event_name in ('Signed In', 'Feature Used', 'Invite Sent') and person_id not like 'anon:%'" -%}
    {%- set hvp_days = var('hvp_intent_days') -%}
    {%- set upgrade_days = var('upgrade_window_days') -%}
    {%- set churn_days = var('churn_risk_window_days') -%}
    {{- return([
        {'column': 'active_users_7d', 'source': 'account_events', 'days': 7, 'measure': 'persons'},
        {'column': 'active_users_30d', 'source': 'account_events', 'days': 30, 'measure': 'persons'},
        {'column': 'active_users_prev_30d', 'source': 'account_events', 'days': 30, 'ended_days_ago': 30,
         'measure': 'persons'},
        {'column': 'seats_used', 'source': 'account_events', 'condition': took_a_seat, 'days': 30,
         'measure': 'persons'},
        {'column': 'pricing_page_views_14d', 'source': 'account_events', 'condition': pricing_viewed, 'days': 14,
         'measure': 'rows'},
        {'column': 'pricing_page_views_30d', 'source': 'account_events', 'condition': pricing_viewed, 'days': 30,
         'measure': 'rows'},
        {'column': 'demo_requests_14d', 'source': 'account_events', 'condition': demo_requested, 'days': 14,
         'measure': 'rows'},
        {'column': 'sign_ins_14d', 'source': 'account_events', 'condition': signed_in, 'days': 14,
         'measure': 'rows'},
        {'column': 'ad_clicks_30d', 'source': 'account_events', 'condition': ad_clicked, 'days': 30,
         'measure': 'rows'},
        {'column': 'features_used_30d', 'source': 'account_events', 'condition': "event_name = 'Feature Used'",
         'days': 30, 'measure': 'features'},
        {'column': 'contact_email_opens_30d', 'source': 'account_contact_email_opens', 'days': 30,
         'measure': 'rows'},
        {'column': 'tickets_30d', 'source': 'account_tickets', 'days': 30, 'measure': 'rows'},
        {'column': 'hvp_pricing_page_views', 'source': 'account_events', 'condition': pricing_viewed,
         'days': hvp_days, 'measure': 'rows'},
        {'column': 'hvp_demo_requests', 'source': 'account_events', 'condition': demo_requested,
         'days': hvp_days, 'measure': 'rows'},
        {'column': 'hvp_sign_ins', 'source': 'account_events', 'condition': signed_in,
         'days': hvp_days, 'measure': 'rows'},
        {'column': 'unengaged_sign_ins', 'source': 'account_events', 'condition': signed_in,
         'days': var('unengaged_quiet_sign_in_days'), 'measure': 'rows'},
        {'column': 'unengaged_contact_email_opens', 'source': 'account_contact_email_opens',
         'days': var('unengaged_quiet_email_days'), 'measure': 'rows'},
        {'column': 'upgrade_pricing_page_views', 'source': 'account_events', 'condition': pricing_viewed,
         'days': upgrade_days, 'measure': 'rows'},
        {'column': 'upgrade_ad_clicks', 'source': 'account_events', 'condition': ad_clicked,
         'days': upgrade_days, 'measure': 'rows'},
        {'column': 'churn_risk_active_users', 'source': 'account_events', 'days': churn_days,
         'measure': 'persons'},
        {'column': 'churn_risk_active_users_before', 'source': 'account_events', 'days': churn_days,
         'ended_days_ago': churn_days, 'measure': 'persons'},
        {'column': 'churn_risk_contact_email_opens', 'source': 'account_contact_email_opens', 'days': churn_days,
         'measure': 'rows'},
        {'column': 'churn_risk_tickets', 'source': 'account_tickets', 'days': churn_days, 'measure': 'rows'},
    ]) -}}
{%- endmacro %}


{#- Per account and user (int_account_user_sign_ins_counted, rows of `Signed In` events only). -#}
{% macro account_user_window_signals() -%}
    {{- return([
        {'column': 'sign_in_days_in_window', 'source': 'account_user_sign_ins',
         'days': var('champion_window_days'), 'measure': 'days'},
    ]) -}}
{%- endmacro %}


{#- True when a source row's time lies in the signal's window. -#}
{% macro in_signal_window(signal) -%}
    {%- set time_column = window_time_columns()[signal.source] -%}
    {%- set ended_days_ago = signal.get('ended_days_ago', 0) -%}
    {%- if ended_days_ago == 0 -%}
        {{ in_last_days(time_column, signal.days) }}
    {%- else -%}
        ({{ time_column }} > {{ dbt.dateadd('day', -1 * (signal.days + ended_days_ago), as_of()) }}
            and {{ time_column }} <= {{ dbt.dateadd('day', -1 * ended_days_ago, as_of()) }})
    {%- endif -%}
{%- endmacro %}


{#- The aggregate expression of one signal over its source's rows. -#}
{% macro window_count(signal) -%}
    {%- set condition = signal.get('condition') -%}
    {%- set when = (condition ~ ' and ' if condition else '') ~ in_signal_window(signal) -%}
    {%- set time_column = window_time_columns()[signal.source] -%}
    {%- set distinct_values = {
        'persons': 'person_id',
        'features': 'feature',
        'days': 'cast(' ~ time_column ~ ' as date)',
    } -%}
    {%- if signal.measure == 'rows' -%}
        sum(case when {{ when }} then 1 else 0 end)
    {%- elif signal.measure == 'events' -%}
        sum(case when {{ when }} then event_count else 0 end)
    {%- elif signal.measure in distinct_values -%}
        count(distinct case when {{ when }} then {{ distinct_values[signal.measure] }} end)
    {%- else -%}
        {{ exceptions.raise_compiler_error('window signal ' ~ signal.column ~ ': unknown measure ' ~ signal.measure) }}
    {%- endif -%}
{%- endmacro %}


{#- The CTEs `<source>_windows` (one per source of `signals`, one row per `key` with a row in
    any of the source's windows) and `windowed`: every row of `spine_cte` with every signal's
    column, 0 without any row in its window. Each source is read only over the span of its
    widest window. -#}
{% macro windowed_facts(spine_cte, key, signals) %}
    {%- set sources = [] -%}
    {%- for signal in signals if signal.source not in sources -%}
        {%- do sources.append(signal.source) -%}
    {%- endfor -%}
    {%- for source in sources -%}
        {%- set source_signals = signals | selectattr('source', 'equalto', source) | list -%}
        {%- set spans = [] -%}
        {%- for signal in source_signals -%}
            {%- do spans.append(signal.days + signal.get('ended_days_ago', 0)) -%}
        {%- endfor -%}
        {%- set time_column = window_time_columns()[source] %}
    {{ source }}_windows as (
        select
            {{ key }},
            {%- for signal in source_signals %}
            {{ window_count(signal) }} as {{ signal.column }}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ source }}
        where {{ in_last_days(time_column, spans | max) }}
        group by {{ key }}
    ),
    {% endfor %}
    windowed as (
        select
            {{ spine_cte }}.{{ key }},
            {%- for signal in signals %}
            coalesce({{ signal.source }}_windows.{{ signal.column }}, 0) as {{ signal.column }}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ spine_cte }}
        {%- for source in sources %}
        left join {{ source }}_windows
            on {{ spine_cte }}.{{ key }} = {{ source }}_windows.{{ key }}
        {%- endfor %}
    )
{% endmacro %}
