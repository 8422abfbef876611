"""Exit 0 when the PostgreSQL server in DATABASE_URL-style argv[1] answers, else 1."""

import sys

import psycopg


def main() -> int:
    url = sys.argv[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(admin_url, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        print(f"PostgreSQL check failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
