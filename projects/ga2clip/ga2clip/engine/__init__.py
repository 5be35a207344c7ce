from .ddp import CPUCompatDDP
from .hooks import VocabularyHook

__all__ = ['CPUCompatDDP', 'VocabularyHook']
