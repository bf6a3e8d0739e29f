"""The standard screen-map suite for the practice desktop EHR."""

from tests.ehrs.standard_suite import standard_suite

TestLegacyDesktop = standard_suite("legacy_desktop")
