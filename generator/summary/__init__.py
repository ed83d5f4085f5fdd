"""The parts of a cross-source topic summary; `generator.summarize` puts them together.

Stages, in order: `sentences` (split, tokenise, drop furniture) -> `sources` (outlets and
wire copies) -> `names` (spellings of one name) -> `align` (the same fact in several
sources) -> `figures`, `quotes`, `descriptions`, `dates` (what the sources say and where
they differ) -> `entities`, `timeline` -> `lead`. The frozen values are in `model`.
"""
