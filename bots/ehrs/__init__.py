"""Per-EHR hook modules, one per source id (`-` as `_`); see bots.hooks."""
