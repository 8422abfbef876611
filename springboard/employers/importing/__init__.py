"""Bulk enrolment from an HR export: read → map columns → validate → write, all bounded."""
