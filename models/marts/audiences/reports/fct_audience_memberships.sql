{#- One row per audience and member: the union of every audience table, with since when the
    member has been in it (member_since: the as_of of their latest entry in the change feed, or
    this build's as_of for a member the last publish did not have), whether they are held out
    of its campaigns (is_holdout, macro is_holdout), and each member's
    primary audience (the lowest catalog priority among the member's audiences of the same
    member type; a tie of priorities goes to the audience whose name sorts first, so the choice
    does not depend on the order the tables are read in), so that a person in five audiences
    gets one message first. -#}

with

audience_catalog as (
    select * from {{ ref('audience_catalog') }}
),

published_members as (
    select * from {{ ref('int_audience_memberships_published') }}
),

this_publish as (
    select * from {{ ref('int_publishes_sequenced') }}
),

{% for audience in audience_models() %}
    members_{{ audience.name }} as (
        select
            '{{ audience.name }}' as audience_name,
            '{{ audience.member_type }}' as member_type,
            {% if audience.member_type == 'person' -%}
                person_id as member_id,
            {%- else -%}
                account_id as member_id,
            {%- endif %}
            {% if audience.member_type == 'account' or audience.name == 'product_champions' -%}
                account_id,
            {%- else -%}
                cast(null as {{ dbt.type_string() }}) as account_id,
            {%- endif %}
            {% if audience.member_type == 'person' -%}
                is_emailable,
                email
            {%- else -%}
                -- an account is reached through its decision makers that may be emailed
                coalesce(reachable_decision_makers > 0, false) as is_emailable,
                cast(null as {{ dbt.type_string() }}) as email
            {%- endif %}
        from {{ ref('aud_' ~ audience.name) }}
    ),

{% endfor %}
unioned as (
    {% for audience in audience_models() %}
        select * from members_{{ audience.name }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

-- a champion of two accounts is one person: one membership, its first account
distinct_members as (
    select
        audience_name,
        member_type,
        member_id,
        min(account_id) as account_id,
        max(case when is_emailable then 1 else 0 end) = 1 as is_emailable,
        max(email) as email
    from unioned
    group by audience_name, member_type, member_id
),

prioritized as (
    select
        distinct_members.*,
        cast(audience_catalog.priority as {{ dbt.type_int() }}) as audience_priority,
        row_number() over (
            partition by distinct_members.member_type, distinct_members.member_id
            order by audience_catalog.priority, distinct_members.audience_name
        ) as priority_rank,
        count(*) over (
            partition by distinct_members.member_type, distinct_members.member_id
        ) as audiences_of_member
    from distinct_members
    inner join audience_catalog
        on distinct_members.audience_name = audience_catalog.audience_name
),

primary_audiences as (
    select
        member_type,
        member_id,
        audience_name as primary_audience_name
    from prioritized
    where priority_rank = 1
),

final as (
    select
        {{ dbt.concat(['prioritized.audience_name', "'|'", 'prioritized.member_type', "'|'", 'prioritized.member_id']) }}
            as membership_id,
        prioritized.audience_name,
        prioritized.member_type,
        prioritized.member_id,
        prioritized.account_id,
        prioritized.is_emailable,
        prioritized.email,
        prioritized.audience_priority,
        cast(prioritized.audiences_of_member as {{ dbt.type_int() }}) as audiences_of_member,
        primary_audiences.primary_audience_name,
        prioritized.priority_rank = 1 as is_primary_audience,
        {{ is_holdout('prioritized.audience_name', 'prioritized.member_id') }} as is_holdout,
        coalesce(published_members.member_since, this_publish.as_of) as member_since
    from prioritized
    inner join primary_audiences
        on prioritized.member_type = primary_audiences.member_type
            and prioritized.member_id = primary_audiences.member_id
    cross join this_publish
    left join published_members
        on prioritized.audience_name = published_members.audience_name
            and prioritized.member_type = published_members.member_type
            and prioritized.member_id = published_members.member_id
)

select * from final
