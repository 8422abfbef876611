"""English as Springboard writes it for a European audience: day before month, the month in
letters and a 24-hour clock, so "28 Nov 2026 13:55" never reads as 11 November or as US time.

Only output formats and the first day of the week are set here; the input formats stay Django's
(forms use ISO date widgets)."""

DATE_FORMAT = "j F Y"  # 28 November 2026
TIME_FORMAT = "H:i"  # 13:55
DATETIME_FORMAT = "j F Y, H:i"  # 28 November 2026, 13:55
YEAR_MONTH_FORMAT = "F Y"  # November 2026
MONTH_DAY_FORMAT = "j F"  # 28 November
SHORT_DATE_FORMAT = "j M Y"  # 28 Nov 2026
SHORT_DATETIME_FORMAT = "j M Y H:i"  # 28 Nov 2026 13:55
FIRST_DAY_OF_WEEK = 1  # Monday
