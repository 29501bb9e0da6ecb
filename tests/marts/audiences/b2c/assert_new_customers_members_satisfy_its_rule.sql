{#- aud_new_customers must hold exactly the persons of dim_persons without a privacy opt-out who
    signed up in the last `new_customer_days` days (as_of - N days < first `Signed Up` <= as_of)
    and never completed an order: returns members breaking the rule and rule-satisfying persons
    left out. Sign-ups and orders are read from the events and orders here, not from
    dim_persons, so a wrong trait cannot vouch for itself. -#}

with

persons as (
    select * from {{ ref('dim_persons') }}
),

events as (
    select * from {{ ref('int_events_identified') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
),

audience as (
    select * from {{ ref('aud_new_customers') }}
),

sign_ups as (
    select
        person_id,
        min(occurred_at) as signed_up_at
    from events
    where event_name = 'Signed Up'
    group by person_id
),

buyers as (
    select distinct person_id
    from orders
),

expected as (
    select persons.person_id
    from persons
    inner join sign_ups
        on persons.person_id = sign_ups.person_id
    left join buyers
        on persons.person_id = buyers.person_id
    where persons.has_privacy_opt_out = false
        and sign_ups.signed_up_at > {{ dbt.dateadd('day', -1 * var('new_customer_days'), as_of()) }}
        and sign_ups.signed_up_at <= {{ as_of() }}
        and buyers.person_id is null
),

final as (
    {{- recount_problems('person_id', 'person') }}
)

select * from final
