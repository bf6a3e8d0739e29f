"""The standard screen-map suite for the practice web EHR."""

from tests.ehrs.standard_suite import standard_suite

TestLegacyWeb = standard_suite("legacy_web")
