"""Two deliberately old-fashioned EHRs (web and desktop) that RetroFHIR drives in its demo and tests."""
