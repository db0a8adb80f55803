"""Suggested rules: what the structurer proposed for each imported criterion, and what an admin made of it.

`models.RuleSuggestion` stores each proposal with the words that justify it; `services` proposes them
(`trial_suggestions_refresh`, run by every registry import and `structure_criteria`) and applies an
admin's decision (accept, edit, reject, accept all), writing accepted rules onto the criteria through
`trials.registry.services.trial_upsert`; `selectors` reads the review queue; `wording` says a rule in
plain words. A proposal never counts in a verdict: the engine reads only `Criterion.rule`.
"""
