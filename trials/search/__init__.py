"""Search over published trials: the input (`forms`, `filters`), the matching, counted and ranked
query (`matches`, built on `TrialQuerySet`), facet counts (`facets`), highlights (`headlines`),
names and "did you mean" (`vocabulary`), keyset pages (`pagination`), and the one selector that
hands the results page, the API list and the feed everything they show (`selector.trial_results`)."""
