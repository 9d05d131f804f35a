"""The settings of a run, in one picklable value: what a worker process, a Dask worker or a
notebook needs to build the same pipeline. Nothing is read from environment variables.

    Settings()                                   # the default chain, jieba, the shipped models
    Settings(chain="rules")                      # rules alone
    Settings(backend="hanlp", hanlp_model="~/models/hanlp-pos")
    Settings(min_confidence=0.9)                 # drop target rows the model was less sure of
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence, Union

BACKENDS = ("jieba", "hanlp")


@dataclass(frozen=True)
class Settings:
    """Everything that decides what the pipeline writes.

    ``chain``: a chain name (``rules``, ``ml``, ``both``) or the extractor names in order;
    ``backend``/``hanlp_model``: the POS tagger (HanLP's model from a local folder, never
    downloaded); ``models_dir``: trained models other than the shipped ones (cross-validation);
    ``min_confidence``: target rows below it are left out (rules give 1.0; see README, "method
    and confidence"); ``components``: per-extractor settings, e.g.
    ``{"both_targets": {"override": 0.99}}`` (each extractor declares its settings and
    defaults: ``pipeline.extractors.settings_of(name)``)."""

    chain: Union[str, tuple[str, ...]] = "both"
    backend: str = "jieba"
    hanlp_model: Optional[str] = None
    models_dir: Optional[str] = None
    min_confidence: float = 0.0
    components: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = field(default=())

    def __post_init__(self) -> None:
        if not isinstance(self.chain, str):
            object.__setattr__(self, "chain", tuple(self.chain))
        if isinstance(self.components, Mapping):
            object.__setattr__(self, "components", _freeze(self.components))
        if self.backend not in BACKENDS:
            raise ValueError(f"unknown backend {self.backend!r}; choose one of {', '.join(BACKENDS)}")
        if self.backend == "jieba" and self.hanlp_model:
            raise ValueError("hanlp_model needs backend='hanlp'")
        if self.backend == "hanlp":
            if not self.hanlp_model:
                raise ValueError("backend='hanlp' needs hanlp_model=DIR, a local HanLP model folder "
                                 "(HanLP's models are never downloaded by this program)")
            object.__setattr__(self, "hanlp_model", str(Path(self.hanlp_model).expanduser().resolve()))
        if self.models_dir is not None:
            object.__setattr__(self, "models_dir", str(Path(self.models_dir).expanduser().resolve()))
        if not 0.0 <= float(self.min_confidence) <= 1.0:
            raise ValueError(f"min_confidence must lie between 0 and 1, not {self.min_confidence}")

    @property
    def extractors(self) -> tuple[str, ...]:
        """The extractor names, in order."""
        from pipeline.extractors import CHAINS

        if isinstance(self.chain, str):
            if self.chain not in CHAINS:
                raise ValueError(f"unknown extractor chain {self.chain!r}; choose one of "
                                 f"{', '.join(CHAINS)} or give the extractor names")
            return tuple(CHAINS[self.chain])
        return self.chain

    def component_settings(self, name: str) -> dict[str, Any]:
        return dict(dict(self.components).get(name, ()))

    def with_(self, **changes: Any) -> "Settings":
        return replace(self, **changes)

    @classmethod
    def of(cls, value: Union["Settings", str, Sequence[str], None] = None, **changes: Any) -> "Settings":
        """Settings from a Settings, a chain name or a list of extractor names."""
        if isinstance(value, Settings):
            base = value
        elif value is None:
            base = cls()
        else:
            base = cls(chain=value if isinstance(value, str) else tuple(value))
        return replace(base, **changes) if changes else base


def _freeze(components: Mapping[str, Mapping[str, Any]]) -> tuple:
    return tuple(sorted((name, tuple(sorted(dict(cfg).items()))) for name, cfg in components.items()))
