"""What P6 (``bench/p6_load.py``) runs beside the app: the locustfile and a bare Django site."""
