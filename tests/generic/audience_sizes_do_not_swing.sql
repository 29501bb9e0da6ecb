{#- Rows of the newest publish in an audience size history whose is_swing is set: an audience
    that moved by more than `audience_swing_warn_share` of its previous size. Meant to run at
    warn severity: a swing is a question for a person, not proof of a broken build. -#}
{% test audience_sizes_do_not_swing(model) %}

with

history as (
    select * from {{ model }}
),

newest_publish as (
    select max(publish_id) as publish_id
    from history
),

final as (
    select history.*
    from history
    inner join newest_publish
        on history.publish_id = newest_publish.publish_id
    where history.is_swing
)

select * from final

{% endtest %}
