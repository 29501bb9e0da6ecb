{{ config(materialized='view') }}

{#- Every staged event up to as_of with the person it belongs to: its own user_id when it has
    one, else the user its anonymous id was stitched to, else the anonymous person
    `anon:<anonymous_id>`. Events after as_of are left out, so every trait built on this model
    is as of that instant; so are the events of persons with a delete request, whose history
    the project may not write (raw-contract.md). Only the columns later models read are kept:
    the payloads, marketing context and raw name stay in stg_raw__events. A view: the person
    of an event changes retroactively (a sign-in today claims the device's past), so a table
    would be rewritten whole every run, and its readers each read a few columns of a few event
    types, which DuckDB and Spark push down into the staged events. -#}

with

events as (
    select * from {{ ref('stg_raw__events') }}
),

stitched_anonymous_ids as (
    select * from {{ ref('int_anonymous_ids_stitched') }}
),

deleted_persons as (
    select * from {{ ref('int_persons_deleted') }}
),

events_until_as_of as (
    select
        {{ staged_event_columns(leave_out=[
            'raw_event_name', 'brand', 'products', 'os', 'locale', 'utm_source', 'utm_medium',
            'utm_campaign', 'properties', 'received_on',
        ]) }}
    from events
    where occurred_at <= {{ as_of() }}
),

identified as (
    select
        events_until_as_of.*,
        {{ person_of(
            'events_until_as_of.user_id',
            'stitched_anonymous_ids.person_id',
            'events_until_as_of.anonymous_id',
        ) }} as person_id,
        events_until_as_of.user_id is null
        and stitched_anonymous_ids.person_id is not null as is_stitched
    from events_until_as_of
    left join stitched_anonymous_ids
        on events_until_as_of.anonymous_id = stitched_anonymous_ids.anonymous_id
),

final as (
    {{ without_deleted_persons('identified') }}
)

select * from final
