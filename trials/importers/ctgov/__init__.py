"""Import ClinicalTrials.gov API v2 JSON: map each study to a trial record and write it through the services.

`reading` reads files (a study, a `/studies` page, a list of studies, folders of them) into
`StudyRecord`s and gives typed access to a study's fields; `mapping` turns one study into trial
fields (`MappedStudy`), with no database access, its sites and contacts through `locations`;
`merging` merges those into the stored trial by the ownership rules (`REGISTRY_OWNED`), matching
tumour types, interventions and hospitals; `running` imports a batch, one study per transaction,
and reports each outcome.

Ownership: the fields in REGISTRY_OWNED come from the registry and are overwritten on re-import,
matched by NCT id (never by slug); every other field (slug, cruk_id, published, grades, glossary,
hospital visits, side effects, trial design, results) keeps what is stored, so an admin's edits
survive. Tumour types and interventions are added to the stored ones, never removed; criteria
rules an admin wrote are kept for criteria whose text the registry still has. A key missing from a
(partial, `fields=`) record leaves the stored value alone. See docs/architecture.md.
"""
