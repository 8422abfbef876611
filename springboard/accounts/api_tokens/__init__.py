"""Personal API tokens: `sbp_<prefix>_<secret>`, stored hashed, valid in one agency.

`keys` makes and reads the token text, `services` creates and revokes, `auth` is the middleware
that turns an `Authorization: Bearer` header on /api/ into the token's user for that request
(and the ninja auth that lets such a request skip the session's CSRF check), `views` the pages.
"""
