"""Eligibility: whether a patient might join each trial, criterion by criterion, and why.

`facts` is the registry of patient facts (each defined once, on the `Fact` of `definitions`);
`patient` holds `PatientFacts`, the validated facts of one patient; `rules` is the structured-rule
format criteria carry; `engine` evaluates one trial for a patient in plain Python, with the words of
`wording`; `ranking` gives every published trial its verdict at once in SQL, exactly as the engine
would, and explains only the trials shown.
"""
