{#- Every var of dbt_project.yml is checked before anything is built, all problems reported at
    once, each naming the var, the value given and the allowed range:
    - validate_vars() is the project's on-run-start hook (dbt_project.yml): `dbt build`, `run`,
      `test` and `seed` compile it before any node, and its compilation error ends the command
      (exit 2, no node run, no run_results.json);
    - dbt also renders it, and as_of() calls it, when the project is parsed (every change of the
      vars re-parses it), so `compile`, `ls`, `parse` and `run-operation` refuse bad vars too,
      and before a model's own Jinja arithmetic on a null or string var fails naming no var.

    A new var is one line in var_rules(); tests/python/test_var_validation.py checks that every
    var of dbt_project.yml and every var('...') under models/, macros/ and tests/ has one. -#}

{#- var name -> rule. Kinds:
    - whole: a whole number (not a float like 3.0, a string like "3" or a boolean) from `min`,
      up to `max` when given; `unit` names it in the message;
    - number: an int or float (not a string or boolean) in the interval `min`..`max`, an end
      excluded when min_open / max_open;
    - one_of: one of `values` (a string);
    - names: a list of strings of letters, digits, spaces, _ and - (quoted into SQL);
    - as_of: see macros/as_of.sql.
    Durations stop at 100 years, which keeps date arithmetic in range on every engine.

    Where 0 is allowed, and why:
    - event_restage_days 0: an incremental run re-stages only the newest day already staged
      and what was received after it (macros/received_days.sql);
    - future_timestamp_tolerance_minutes 0: no tolerance, any client clock ahead of received_at
      is quarantined; cart_abandon_min_minutes 0: a cart counts as abandoned at once;
    - churn_risk_max_detractor_nps and detractor_max_nps 0: only a score of 0 is a detractor
      (scores are 0-10);
    - usage tier ranks: percent_rank() lies in [0, 1]; medium 0 = no light tier (a person
      with any active day is at least medium); medium must stay below heavy;
    - small_audience_share 0: never flag a small audience;
    - category_enthusiast_exclude_recent_buyer_days 0: no recent buyer is left out;
    - holdout_pct 0: no holdout (rpt_audience_lift then has no control group); 99 at most, as
      the holdout buckets are 0-99 and 100 would hold every member out.
    Not 0: every other day, hour, week or count (a window of 0 days is empty, a minimum of 0
    drops the rule, engagement_half_life_days divides); category_enthusiast_min_share,
    upgrade_usage_ratio, churn_risk_min_usage_drop and audience_swing_warn_share (0 drops the
    rule, counts flat usage as a drop, or flags every change); top_spender_pct (the top 0 % is
    nobody). unengaged_min_signals counts 3 signals, churn_risk_min_score 4 points. -#}
{% macro var_rules() -%}
    {%- set count = {'kind': 'whole', 'min': 1, 'unit': ''} -%}
    {%- set days = {'kind': 'whole', 'min': 1, 'max': 36500, 'unit': 'days'} -%}
    {%- set hours = {'kind': 'whole', 'min': 1, 'max': 876000, 'unit': 'hours'} -%}
    {%- set minutes_or_zero = {'kind': 'whole', 'min': 0, 'max': 52560000, 'unit': 'minutes'} -%}
    {%- set weeks = {'kind': 'whole', 'min': 1, 'max': 5200, 'unit': 'weeks'} -%}
    {%- set share = {'kind': 'number', 'min': 0, 'max': 1, 'min_open': true} -%}
    {%- set share_or_zero = {'kind': 'number', 'min': 0, 'max': 1} -%}
    {{- return({
        'as_of': {'kind': 'as_of'},
        'future_timestamp_tolerance_minutes': minutes_or_zero,
        'event_restage_days': {'kind': 'whole', 'min': 0, 'max': 36500, 'unit': 'days'},
        'engagement_half_life_days': days,
        'deal_promotion_window_hours': hours,
        'usage_tier_heavy_min_rank': share_or_zero,
        'usage_tier_medium_min_rank': share_or_zero,
        'send_time_min_email_observations': count,
        'new_customer_days': days,
        'window_shopper_min_views': count,
        'window_shopper_days': days,
        'cart_abandon_window_days': days,
        'cart_abandon_min_minutes': minutes_or_zero,
        'category_enthusiast_min_orders': count,
        'category_enthusiast_min_share': share,
        'category_enthusiast_exclude_recent_buyer_days': {'kind': 'whole', 'min': 0, 'max': 36500, 'unit': 'days'},
        'top_spender_pct': {'kind': 'number', 'min': 0, 'max': 100, 'min_open': true},
        'sharer_min_actions': count,
        'sharer_days': days,
        'dormant_min_days': days,
        'dormant_max_days': days,
        'hvp_min_employees': count,
        'hvp_min_pricing_views': count,
        'hvp_intent_days': days,
        'unengaged_min_signals': {'kind': 'whole', 'min': 1, 'max': 3, 'unit': 'signals'},
        'unengaged_quiet_sign_in_days': days,
        'unengaged_quiet_email_days': days,
        'onboarding_days': days,
        'upgrade_min_pricing_views': count,
        'upgrade_window_days': days,
        'upgrade_usage_ratio': share,
        'churn_risk_min_score': {'kind': 'whole', 'min': 1, 'max': 4, 'unit': 'points'},
        'churn_risk_min_usage_drop': share,
        'churn_risk_max_detractor_nps': {'kind': 'whole', 'min': 0, 'max': 10, 'unit': 'NPS points'},
        'churn_risk_min_tickets': count,
        'churn_risk_window_days': days,
        'champion_min_active_days': count,
        'champion_window_days': days,
        'shoe_lovers_min_opens': count,
        'payload_list_max_items': count,
        'trial_ending_days': days,
        'trial_low_usage_days': days,
        'trial_low_usage_max_active_days': count,
        'detractor_window_days': days,
        'detractor_max_nps': {'kind': 'whole', 'min': 0, 'max': 10, 'unit': 'NPS points'},
        'detractor_max_csat': {'kind': 'number', 'min': 1, 'max': 5},
        'heavy_email_engager_min_opens': count,
        'heavy_email_engager_days': days,
        'small_audience_share': share_or_zero,
        'loyal_min_orders': count,
        'loyal_order_days': days,
        'active_days': days,
        'lapsed_days': days,
        'lifecycle_history_weeks': weeks,
        'lifecycle_activity_events': {'kind': 'names'},
        'lifecycle_industry': {'kind': 'one_of', 'values': ['e-commerce', 'media', 'travel', 'finance']},
        'lifecycle_kpi_campaign_days': days,
        'publish_max_days_after_newest_event': days,
        'holdout_pct': {'kind': 'whole', 'min': 0, 'max': 99, 'unit': 'percent'},
        'audience_swing_warn_share': share,
        'lift_window_days': days,
    }) -}}
{%- endmacro %}


{#- Vars that must be ordered: (smaller, '<' or '<=', larger, how many of the smaller's unit
    make one of the larger's). Checked only when both are valid on their own. -#}
{% macro var_order_rules() -%}
    {{- return([
        ('usage_tier_medium_min_rank', '<', 'usage_tier_heavy_min_rank', 1),
        ('dormant_min_days', '<', 'dormant_max_days', 1),
        ('active_days', '<', 'lapsed_days', 1),
        ('champion_min_active_days', '<=', 'champion_window_days', 1),
        ('trial_low_usage_max_active_days', '<=', 'trial_low_usage_days', 1),
        ('cart_abandon_min_minutes', '<', 'cart_abandon_window_days', 1440),
    ]) -}}
{%- endmacro %}


{% macro validate_vars() -%}
    {%- set rules = var_rules() -%}
    {%- set problems = [] -%}
    {%- set valid = {} -%}

    {%- for name, rule in rules.items() -%}
        {%- set value = var(name, none) -%}
        {%- set check = check_var(value, rule) -%}
        {%- if check.ok -%}
            {%- do valid.update({name: value}) -%}
        {%- else -%}
            {%- do problems.append(
                name ~ ': got ' ~ describe_var_value(value, rule.kind)
                ~ (' (' ~ check.reason ~ ')' if check.reason else '')
                ~ '; allowed: ' ~ check.allowed) -%}
        {%- endif -%}
    {%- endfor -%}

    {%- for smaller, op, larger, scale in var_order_rules() -%}
        {%- if smaller in valid and larger in valid -%}
            {%- set limit = valid[larger] * scale -%}
            {%- set ordered = valid[smaller] < limit if op == '<' else valid[smaller] <= limit -%}
            {%- if not ordered -%}
                {%- do problems.append(
                    smaller ~ ', ' ~ larger ~ ': got ' ~ smaller ~ ' = ' ~ valid[smaller] ~ ' and '
                    ~ larger ~ ' = ' ~ valid[larger] ~ '; allowed: ' ~ smaller
                    ~ (' below ' if op == '<' else ' at most ') ~ larger
                    ~ (' x ' ~ scale ~ ' (' ~ limit ~ ')' if scale != 1 else '')) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}

    {#- A var given on the command line that no rule knows (a typo?) would change nothing. -#}
    {%- set cli_vars = invocation_args_dict.get('vars') -%}
    {%- if cli_vars is mapping -%}
        {%- for name in cli_vars if name not in rules -%}
            {%- do problems.append(
                name ~ ': unknown var (a typo?); allowed: the vars of dbt_project.yml, each with a'
                ~ ' rule in macros/validate_vars.sql') -%}
        {%- endfor -%}
    {%- endif -%}

    {%- if problems | length > 0 -%}
        {{- exceptions.raise_compiler_error(
            'Invalid vars (' ~ problems | length ~ '), nothing was built; fix them in --vars or'
            ~ ' dbt_project.yml (rules: macros/validate_vars.sql):\n  - '
            ~ problems | join('\n  - ')) -}}
    {%- endif -%}
{%- endmacro %}


{#- {'ok': whether value satisfies rule, 'allowed': the allowed range,
    'reason': a detail or ''}. -#}
{% macro check_var(value, rule) -%}
    {%- set reason = '' -%}
    {%- if rule.kind == 'as_of' -%}
        {%- set parsed = parse_as_of(value) -%}
        {%- set ok = parsed.error is none -%}
        {%- set reason = parsed.error or '' -%}
        {%- set allowed = as_of_allowed_forms() -%}

    {%- elif rule.kind == 'whole' -%}
        {%- set unit = (' of ' ~ rule.unit) if rule.unit else '' -%}
        {%- if rule.max is defined -%}
            {%- set allowed = 'a whole number' ~ unit ~ ' from ' ~ rule.min ~ ' to ' ~ rule.max -%}
            {%- set ok = value is integer and value >= rule.min and value <= rule.max -%}
        {%- else -%}
            {%- set allowed = 'a whole number' ~ unit ~ ' of at least ' ~ rule.min -%}
            {%- set ok = value is integer and value >= rule.min -%}
        {%- endif -%}

    {%- elif rule.kind == 'number' -%}
        {%- set allowed = 'a number in ' ~ ('(' if rule.min_open else '[') ~ rule.min ~ ', '
            ~ rule.max ~ (')' if rule.max_open else ']') -%}
        {%- set ok = value is number and value is not boolean
            and (value > rule.min if rule.min_open else value >= rule.min)
            and (value < rule.max if rule.max_open else value <= rule.max) -%}

    {%- elif rule.kind == 'one_of' -%}
        {%- set allowed = 'one of ' ~ rule['values'] | join(', ') -%}
        {%- set ok = value is string and value in rule['values'] -%}

    {%- elif rule.kind == 'names' -%}
        {%- set allowed = 'a list (empty: any event) of names of letters, digits, spaces, _ and -' -%}
        {%- set ok = value is sequence and value is not string and value is not mapping -%}
        {%- set bad = [] -%}
        {%- if ok -%}
            {%- for item in value -%}
                {%- if not (item is string and item | trim != ''
                        and modules.re.match('^[A-Za-z0-9 _-]+$', item)) -%}
                    {%- do bad.append(describe_var_value(item, 'names')) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
        {%- if bad | length > 0 -%}
            {%- set ok = false -%}
            {%- set reason = 'not names: ' ~ bad | join(', ') -%}
        {%- endif -%}

    {%- else -%}
        {{- exceptions.raise_compiler_error('validate_vars: unknown rule kind ' ~ rule.kind) -}}
    {%- endif -%}
    {{- return({'ok': ok, 'allowed': allowed, 'reason': reason}) -}}
{%- endmacro %}


{#- A var's value for a message; for a number rule, also a wrong YAML type. -#}
{% macro describe_var_value(value, kind) -%}
    {%- set numeric = kind in ('whole', 'number') -%}
    {%- if value is none -%}
        {{- return('null') -}}
    {%- elif value is boolean -%}
        {{- return((value | string | lower) ~ (' (a boolean)' if numeric else '')) -}}
    {%- elif value is string -%}
        {{- return('"' ~ value ~ '"' ~ (' (a string)' if numeric else '')) -}}
    {%- elif kind == 'whole' and value is float -%}
        {{- return((value | string) ~ ' (not a whole number)') -}}
    {%- else -%}
        {{- return(value | string) -}}
    {%- endif -%}
{%- endmacro %}
