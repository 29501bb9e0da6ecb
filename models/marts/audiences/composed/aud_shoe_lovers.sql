{#- A composed audience, built from another audience and traits with compose_person_audience:
    category enthusiasts of shoes who opened at least `shoe_lovers_min_opens` emails in the
    last 30 days and have not ordered in the last 30 days. -#}

{{ compose_person_audience(
    audience_name='shoe_lovers',
    include_audiences=['category_enthusiasts'],
    trait_condition="favorite_category_purchased = 'shoes' and email_opens_30d >= "
        ~ var('shoe_lovers_min_opens', 3) ~ " and orders_30d = 0",
    facts=['favorite_category_purchased', 'favorite_category_quantity_share', 'email_opens_30d',
           'orders_30d', 'last_order_at'],
) }}
