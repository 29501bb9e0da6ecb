{#- Per person: the last email open and consent (the spec's emailable rule: an email, opt-in
    not false, and no unsubscribe, complaint, bounce or opt-out request after the latest
    opt-in; opens and clicks in a window are counted in int_person_windows_aggregated). Opt-out requests made up to as_of come from the project's own record,
    int_privacy_requests_retained, so an opt-out stays applied after raw loses it; they are
    matched by the hash of the person's user_id or of their email (email_sha256), the only
    form the record keeps. -#}

with

email_events as (
    select * from {{ ref('int_email_events_identified') }}
),

profiles as (
    select * from {{ ref('int_person_profiles_resolved') }}
),

privacy_requests as (
    select * from {{ ref('int_privacy_requests_retained') }}
),

engagement as (
    select
        person_id,
        max(case when event_type = 'opened' then occurred_at end) as last_email_open_at,
        max(case when event_type in ('unsubscribed', 'complained', 'bounced') then occurred_at end)
            as last_email_suppression_at
    from email_events
    where person_id is not null
    group by person_id
),

opt_out_requests as (
    select * from privacy_requests
    where request_type = 'opt_out'
        and requested_at <= {{ as_of() }}
),

hashed_profiles as (
    select
        user_id,
        {{ sha256_hex('user_id') }} as user_id_sha256,
        {{ email_sha256('email') }} as email_sha256
    from profiles
),

opt_outs_by_user as (
    select
        hashed_profiles.user_id,
        opt_out_requests.requested_at
    from hashed_profiles
    inner join opt_out_requests
        on hashed_profiles.user_id_sha256 = opt_out_requests.user_id_sha256
),

opt_outs_by_email as (
    select
        hashed_profiles.user_id,
        opt_out_requests.requested_at
    from hashed_profiles
    inner join opt_out_requests
        on hashed_profiles.email_sha256 = opt_out_requests.email_sha256
),

latest_opt_outs as (
    select
        user_id,
        max(requested_at) as last_opt_out_at
    from (
        select * from opt_outs_by_user
        union all
        select * from opt_outs_by_email
    ) as opt_outs
    group by user_id
),

suppressions as (
    select
        profiles.user_id as person_id,
        profiles.email,
        profiles.marketing_opt_in,
        profiles.latest_opt_in_at,
        latest_opt_outs.last_opt_out_at,
        case
            when engagement.last_email_suppression_at is null then latest_opt_outs.last_opt_out_at
            when latest_opt_outs.last_opt_out_at is null then engagement.last_email_suppression_at
            when engagement.last_email_suppression_at > latest_opt_outs.last_opt_out_at
                then engagement.last_email_suppression_at
            else latest_opt_outs.last_opt_out_at
        end as last_suppressed_at
    from profiles
    left join engagement
        on profiles.user_id = engagement.person_id
    left join latest_opt_outs
        on profiles.user_id = latest_opt_outs.user_id
),

consents as (
    select
        person_id,
        last_suppressed_at,
        last_opt_out_at is not null
        and (latest_opt_in_at is null or last_opt_out_at > latest_opt_in_at) as has_privacy_opt_out,
        email is not null
        and coalesce(marketing_opt_in, true)
        and (
            last_suppressed_at is null
            or (latest_opt_in_at is not null and last_suppressed_at <= latest_opt_in_at)
        ) as is_emailable
    from suppressions
),

final as (
    select
        coalesce(consents.person_id, engagement.person_id) as person_id,
        engagement.last_email_open_at,
        consents.last_suppressed_at,
        coalesce(consents.is_emailable, false) as is_emailable,
        coalesce(consents.has_privacy_opt_out, false) as has_privacy_opt_out
    from consents
    full outer join engagement
        on consents.person_id = engagement.person_id
)

select * from final
