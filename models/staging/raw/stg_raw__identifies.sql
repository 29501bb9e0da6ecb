with

base_identifies as (
    select * from {{ ref('base_raw__identifies') }}
),

usable as (
    select * from base_identifies
    where quarantine_reason is null and not is_duplicate
),

final as (
    select
        -- ids
        record_id as identify_id,
        user_id,
        anonymous_id,

        -- traits: null where the identify did not carry the key (it erases nothing)
        {{ clean_lower_text(json_extract_scalar('traits', 'email')) }} as email,
        {{ clean_text(json_extract_scalar('traits', 'first_name')) }} as first_name,
        {{ clean_text(json_extract_scalar('traits', 'last_name')) }} as last_name,
        -- a trait that does not read as a date or a flag is unknown (null), see _raw__models.yml
        {{ parse_date(json_extract_scalar('traits', 'birth_date')) }} as birth_date,
        {{ clean_lower_text(json_extract_scalar('traits', 'gender')) }} as gender,
        upper({{ clean_text(json_extract_scalar('traits', 'country')) }}) as country,
        {{ clean_text(json_extract_scalar('traits', 'region')) }} as region,
        {{ clean_text(json_extract_scalar('traits', 'city')) }} as city,
        {{ clean_text(json_extract_scalar('traits', 'postal_code')) }} as postal_code,
        {{ clean_lower_text(json_extract_scalar('traits', 'language')) }} as language,
        {{ clean_text(json_extract_scalar('traits', 'job_title')) }} as job_title,
        {{ parse_boolean(json_extract_scalar('traits', 'marketing_opt_in')) }} as marketing_opt_in,

        -- timestamps (UTC)
        occurred_at,
        received_at
    from usable
)

select * from final
