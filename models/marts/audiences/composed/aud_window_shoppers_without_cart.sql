{#- A composed audience with an exclusion, built with compose_person_audience: window shoppers
    who are not cart abandoners, for a browse-abandonment email that the cart reminder would
    otherwise duplicate. -#}

{{ compose_person_audience(
    audience_name='window_shoppers_without_cart',
    include_audiences=['window_shoppers'],
    exclude_audiences=['cart_abandoners'],
    facts=['product_views_30d', 'cart_adds_7d', 'orders_30d', 'email_opens_30d', 'email_clicks_30d'],
) }}
