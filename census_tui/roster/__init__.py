"""Roster mode (名册核对): verify a collective site against the employer's name list.

FIELDWORK.md "Special populations": for collective dormitories, verify against the name list.
Pure domain code: reading the list (:mod:`.decode`, :mod:`.table`, :mod:`.mapping`), checking
each row (:mod:`.cells`, :mod:`.checks`), the preview (:mod:`.preview`), the roster's state
(:mod:`.state`) and turning a verified site into collective households (:mod:`.households`).
"""
