"""A simulated store: shoppers with hidden preferences who chat through the real API and report
impressions, clicks, add-to-carts and purchases to ``POST /v1/events`` (``aisle simulate``)."""
