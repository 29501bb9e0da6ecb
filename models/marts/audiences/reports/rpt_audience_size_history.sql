{#- One row per audience and publish: members, emailable members, and the members who entered
    and exited at that publish, with the change against the publish before. The rows of earlier
    publishes come from the last publish (they are counts, kept as published); this build adds
    its own. A move of more than `audience_swing_warn_share` (0.5) of the previous size is
    flagged (`is_swing`): an audience that halves overnight is usually a broken feed, and a
    warn-severity test and the publish command say so. -#}

with

published_history as (
    select * from {{ ref('stg_published__audience_size_history') }}
),

sizes as (
    select * from {{ ref('rpt_audience_sizes') }}
),

changes as (
    select * from {{ ref('fct_audience_membership_changes') }}
),

this_publish as (
    select * from {{ ref('int_publishes_sequenced') }}
),

changes_this_publish as (
    select
        changes.audience_name,
        sum(case when changes.change_type = 'entered' then 1 else 0 end) as entered_members,
        sum(case when changes.change_type = 'exited' then 1 else 0 end) as exited_members
    from changes
    inner join this_publish
        on changes.publish_id = this_publish.publish_id
    group by changes.audience_name
),

this_publish_sizes as (
    select
        this_publish.publish_id,
        this_publish.as_of,
        sizes.audience_name,
        sizes.members,
        sizes.emailable_members,
        sizes.holdout_members,
        coalesce(changes_this_publish.entered_members, 0) as entered_members,
        coalesce(changes_this_publish.exited_members, 0) as exited_members
    from sizes
    cross join this_publish
    left join changes_this_publish
        on sizes.audience_name = changes_this_publish.audience_name
),

all_sizes as (
    {{ union_all_of(['published_history', 'this_publish_sizes'], [
        'publish_id',
        'as_of',
        'audience_name',
        'members',
        'emailable_members',
        'holdout_members',
        'entered_members',
        'exited_members',
    ]) }}
),

with_previous as (
    select
        *,
        lag(members) over (partition by audience_name order by publish_id) as previous_members
    from all_sizes
),

final as (
    select
        {{ dbt.concat(['audience_name', "'|'", dbt.cast('publish_id', dbt.type_string())]) }}
            as audience_size_id,
        cast(publish_id as {{ dbt.type_int() }}) as publish_id,
        audience_name,
        {{ audience_size_count_columns() }},
        cast(previous_members as {{ dbt.type_bigint() }}) as previous_members,
        1e0 * (members - previous_members) / nullif(previous_members, 0) as member_change_share,
        coalesce(
            abs(1e0 * (members - previous_members) / nullif(previous_members, 0))
            > {{ var('audience_swing_warn_share') }},
            false
        ) as is_swing,
        as_of
    from with_previous
)

select * from final
