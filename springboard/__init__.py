"""Springboard: an open-source outplacement platform."""
