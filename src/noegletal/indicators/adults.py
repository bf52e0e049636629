"""Adults — the semiannual key-figure report to the social committee."""
