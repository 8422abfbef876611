"""One consent model for every feature that asks: services (`grant`, `withdraw`), selectors
(`has_consent`, `consents_of`, `consented`), the wording each purpose shows, and the person's
"My consents" page. Higher apps call these; this package never imports them."""
