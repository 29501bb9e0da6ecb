{#- One row per B2B contact whose job title names a decision maker: a keyword of seed
    decision_maker_title_keywords as a whole word of the lowercased title (non-letters count as
    spaces, so 'VP, Sales' and 'Head-of-Growth' match 'vp' and 'head'). -#}

with

crm_contacts as (
    select * from {{ ref('stg_raw__crm_contacts') }}
),

decision_maker_keywords as (
    select * from {{ ref('decision_maker_title_keywords') }}
),

normalized_titles as (
    select
        contact_id,
        account_id,
        user_id,
        email,
        job_title,
        {{ dbt.concat(["' '", regexp_replace_all('lower(job_title)', '[^a-z]', ' '), "' '"]) }} as title_words
    from crm_contacts
    where account_id is not null and job_title is not null
),

final as (
    select distinct
        normalized_titles.contact_id,
        normalized_titles.account_id,
        normalized_titles.user_id,
        normalized_titles.email,
        normalized_titles.job_title
    from normalized_titles
    inner join decision_maker_keywords
        on normalized_titles.title_words like {{ dbt.concat(["'% '", 'decision_maker_keywords.keyword', "' %'"]) }}
)

select * from final
