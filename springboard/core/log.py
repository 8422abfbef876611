"""Log records carry the id of the request they belong to.

The same id is in the X-Request-ID response header and in `springboard serve`'s access log
(`rid=`), so one request's lines can be found across the proxy, the server and the app.
"""

from __future__ import annotations

import logging

from springboard.lib.request_context import current_request_id


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # Outside a request (a task worker, a cron command) there is no id: "-".
        record.request_id = current_request_id.get() or "-"
        return True
