{#- Support ticket priorities (raw.support_tickets.priority: low, normal, high, urgent), for the
    open-ticket facts of int_person_satisfaction_aggregated and int_account_satisfaction_aggregated:
    a ticket is open at as_of when opened by as_of and not closed by then; the highest priority
    is compared through a rank (low 1 .. urgent 4, an unknown priority none). -#}

{#- True when the ticket row is open at as_of. -#}
{% macro ticket_is_open_at_as_of() -%}
    opened_at <= {{ as_of() }} and not coalesce(closed_at <= {{ as_of() }}, false)
{%- endmacro %}

{#- The rank of a priority: low 1, normal 2, high 3, urgent 4, null otherwise. -#}
{% macro ticket_priority_rank(priority) -%}
    case {{ priority }}
        when 'low' then 1
        when 'normal' then 2
        when 'high' then 3
        when 'urgent' then 4
    end
{%- endmacro %}

{#- The priority of a rank from ticket_priority_rank (null stays null). -#}
{% macro ticket_priority_name(rank) -%}
    case {{ rank }}
        when 1 then 'low'
        when 2 then 'normal'
        when 3 then 'high'
        when 4 then 'urgent'
    end
{%- endmacro %}
