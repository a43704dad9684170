"""One router per resource; each only translates HTTP to the core and back."""
